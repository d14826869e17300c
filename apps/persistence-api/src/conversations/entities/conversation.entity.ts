import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity';

@Entity('conversations')
@Index('IDX_conversations_user_started', ['userId', 'startedAt', 'id'])
@Index('IDX_conversations_party_started', ['externalParty', 'startedAt'])
export class ConversationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_conversations_user' })
  user?: UserEntity;

  @Column({ name: 'external_party', type: 'varchar', length: 64, nullable: true })
  externalParty: string | null;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 40 })
  agent: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: string;

  @Column({ name: 'started_at', type: Date })
  startedAt: Date;

  @Column({ name: 'ended_at', type: Date, nullable: true })
  endedAt: Date | null;

  @Column({ name: 'last_message_at', type: Date, nullable: true })
  lastMessageAt: Date | null;

  @Column({ name: 'message_count', type: 'int', default: 0 })
  messageCount: number;
}
