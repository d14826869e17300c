import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity';

@Entity('patients')
export class PatientEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Index('UQ_patients_phone', { unique: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  phone: string | null;

  @Index('UQ_patients_user', { unique: true })
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_patients_user' })
  user?: UserEntity;

  @Column({ name: 'balance_cents', type: 'int', default: 0 })
  balanceCents: number;
}
