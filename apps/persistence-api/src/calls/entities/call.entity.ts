import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ConversationEntity } from '../../conversations/entities/conversation.entity';

@Entity('calls')
@Index('UQ_calls_provider_call', ['provider', 'providerCallId'], { unique: true })
export class CallEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Index('IDX_calls_conversation')
  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId: string | null;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'FK_calls_conversation' })
  conversation?: ConversationEntity;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ name: 'provider_call_id', type: 'varchar', length: 128 })
  providerCallId: string;

  @Column({ type: 'varchar', length: 16 })
  direction: string;

  @Column({ name: 'from_party', type: 'varchar', length: 64 })
  from: string;

  @Column({ name: 'to_party', type: 'varchar', length: 64 })
  to: string;

  @Column({ type: 'varchar', length: 16, default: 'in-progress' })
  status: string;

  @Column({ name: 'started_at', type: Date })
  startedAt: Date;

  @Column({ name: 'ended_at', type: Date, nullable: true })
  endedAt: Date | null;

  @Column({ name: 'duration_sec', type: 'int', nullable: true })
  durationSec: number | null;

  @Column({ name: 'recording_url', type: 'varchar', length: 2048, nullable: true })
  recordingUrl: string | null;
}
