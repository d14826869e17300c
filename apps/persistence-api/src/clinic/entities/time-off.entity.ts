import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DoctorEntity } from './doctor.entity';

/** Clinic dates (YYYY-MM-DD, inclusive) on which a doctor does not work: no slots from any shift. */
@Entity('time_off')
@Index('IDX_time_off_doctor_until', ['doctorId', 'untilDate'])
export class TimeOffEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'doctor_id', type: 'uuid' })
  doctorId: string;

  @ManyToOne(() => DoctorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'doctor_id', foreignKeyConstraintName: 'FK_time_off_doctor' })
  doctor?: DoctorEntity;

  @Column({ name: 'from_date', type: 'varchar', length: 10 })
  fromDate: string;

  @Column({ name: 'until_date', type: 'varchar', length: 10 })
  untilDate: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
