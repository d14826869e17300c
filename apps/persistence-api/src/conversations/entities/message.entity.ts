import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ConversationEntity } from './conversation.entity';

@Entity('messages')
@Index('UQ_messages_conversation_seq', ['conversationId', 'seq'], { unique: true })
export class MessageEntity {
  /** Chosen by the writer, which makes appends idempotent. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'FK_messages_conversation' })
  conversation?: ConversationEntity;

  @Column({ type: 'int' })
  seq: number;

  @Column({ type: 'varchar', length: 16 })
  role: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  agent: string | null;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'boolean', default: false })
  interrupted: boolean;

  @Column({ name: 'end_of_utterance_ms', type: 'int', nullable: true })
  endOfUtteranceMs: number | null;

  @Column({ name: 'stt_ms', type: 'int', nullable: true })
  sttMs: number | null;

  @Column({ name: 'llm_first_token_ms', type: 'int', nullable: true })
  llmFirstTokenMs: number | null;

  @Column({ name: 'tts_first_byte_ms', type: 'int', nullable: true })
  ttsFirstByteMs: number | null;

  @Column({ name: 'voice_to_voice_ms', type: 'int', nullable: true })
  voiceToVoiceMs: number | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
