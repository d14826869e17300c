import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity';

/**
 * A phone number proven (by SMS code) to belong to a user. The number is the key, so it is verified
 * for at most one user at a time; a user holds at most one verified number (their profile's).
 */
@Entity('verified_phones')
export class VerifiedPhoneEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  phone: string;

  @Index('UQ_verified_phones_user', { unique: true })
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_verified_phones_user' })
  user?: UserEntity;

  @Column({ name: 'verified_at', type: Date })
  verifiedAt: Date;
}
