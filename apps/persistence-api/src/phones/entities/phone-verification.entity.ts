import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity';

/** One code sent by SMS. Only its hash is stored; rows also count sends for the rate limits. */
@Entity('phone_verifications')
@Index('IDX_phone_verifications_user_sent', ['userId', 'sentAt'])
@Index('IDX_phone_verifications_phone_sent', ['phone', 'sentAt'])
export class PhoneVerificationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_phone_verifications_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 16 })
  phone: string;

  /** Hex SHA-256 of the row id and the code. */
  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ name: 'sent_at', type: Date })
  sentAt: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt: Date;

  /** Wrong codes tried so far. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** Set when the code was confirmed or replaced by a newer one; it no longer works then. */
  @Column({ name: 'closed_at', type: Date, nullable: true })
  closedAt: Date | null;
}
