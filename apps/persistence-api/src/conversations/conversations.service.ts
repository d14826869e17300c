import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { AppendMessageRequest, CreateConversationRequest, type EndConversationRequest } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { DataSource, Repository } from 'typeorm';
import type { Principal } from '../auth/principal';
import { UserEntity } from '../auth/entities/user.entity';
import { isUniqueViolation } from '../common/db-errors';
import { isPostgres } from '../database/data-source';
import { verifiedOwner } from '../phones/phone-links';
import { SerialQueue } from './serial-queue';
import { ConversationEntity } from './entities/conversation.entity';
import { MessageEntity } from './entities/message.entity';

type CreateInput = z.output<typeof CreateConversationRequest>;
type AppendInput = z.output<typeof AppendMessageRequest>;

const notFound = () => ApiError.notFound('Conversation');

@Injectable()
export class ConversationsService {
  private readonly sqliteAppends = new SerialQueue();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(ConversationEntity) private readonly conversations: Repository<ConversationEntity>,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
  ) {}

  async create(principal: Principal, input: CreateInput): Promise<ConversationEntity> {
    const owner = await this.owner(principal, input);
    const conversation = this.conversations.create({
      id: input.id ?? randomUUID(),
      ...owner,
      channel: input.channel,
      agent: input.agent,
      title: input.title ?? null,
      status: 'active',
      startedAt: new Date(),
      endedAt: null,
      lastMessageAt: null,
      messageCount: 0,
    });
    try {
      await this.conversations.insert(conversation);
    } catch (err) {
      if (isUniqueViolation(err)) throw ApiError.conflict('A conversation with this id already exists');
      throw err;
    }
    return conversation;
  }

  private async owner(principal: Principal, input: CreateInput) {
    if (principal.kind === 'user') {
      if (input.userId || input.externalParty) {
        throw new ApiError(400, 'validation_failed', 'Invalid request: userId and externalParty are for service clients', [
          { path: input.userId ? 'body.userId' : 'body.externalParty', message: 'is set from your sign-in; leave it out' },
        ]);
      }
      return { userId: principal.userId, externalParty: null };
    }
    if (!input.userId && !input.externalParty) {
      throw new ApiError(400, 'validation_failed', 'Invalid request: name the owner with userId or externalParty', [
        { path: 'body.userId', message: 'is required when externalParty is absent' },
      ]);
    }
    if (input.userId && !(await this.db.getRepository(UserEntity).existsBy({ id: input.userId }))) {
      throw new ApiError(400, 'validation_failed', 'Invalid request: body.userId names no user', [{ path: 'body.userId', message: 'names no user' }]);
    }
    // A number someone has verified is theirs: the conversation joins their history. Otherwise it belongs to the number alone.
    const userId = input.userId ?? (input.externalParty ? ((await verifiedOwner(this.db.manager, input.externalParty))?.userId ?? null) : null);
    return { userId, externalParty: input.externalParty ?? null };
  }

  /** A user sees only their own conversations (others are 404, not 403); service clients see any. */
  async findAccessible(principal: Principal, id: string): Promise<ConversationEntity> {
    const conversation = await this.conversations.findOneBy(principal.kind === 'user' ? { id, userId: principal.userId } : { id });
    if (!conversation) throw notFound();
    return conversation;
  }

  /**
   * Appends a turn. Idempotent on the message id: a retried write returns the stored message
   * with created=false. The counter update locks the conversation row, so seq is gap-free.
   */
  async append(principal: Principal, conversationId: string, input: AppendInput) {
    const conversation = await this.findAccessible(principal, conversationId);
    const write = () => this.store(conversation.id, input);
    // SQLite has one connection that every request shares, so "concurrent" transactions would
    // nest as savepoints inside each other instead of waiting for a row lock: take turns.
    return isPostgres(this.db) ? write() : this.sqliteAppends.run(write);
  }

  private async store(conversationId: string, input: AppendInput) {
    const existing = await this.messages.findOneBy({ id: input.id });
    if (existing) return this.replayed(existing, conversationId);
    const createdAt = input.createdAt ? new Date(input.createdAt) : new Date();
    try {
      const message = await this.db.transaction(async (tx) => {
        await tx
          .createQueryBuilder()
          .update(ConversationEntity)
          .set({ messageCount: () => 'message_count + 1' })
          .where('id = :id', { id: conversationId })
          .execute();
        const { messageCount, lastMessageAt } = await tx.findOneByOrFail(ConversationEntity, { id: conversationId });
        // A late turn (sent after a retry, or after the end) must not move lastMessageAt back.
        if (!lastMessageAt || lastMessageAt < createdAt) {
          await tx.update(ConversationEntity, { id: conversationId }, { lastMessageAt: createdAt });
        }
        const row = tx.create(MessageEntity, {
          id: input.id,
          conversationId,
          seq: messageCount,
          role: input.role,
          agent: input.agent ?? null,
          text: input.text,
          interrupted: input.interrupted,
          endOfUtteranceMs: input.latency.endOfUtteranceMs ?? null,
          sttMs: input.latency.sttMs ?? null,
          llmFirstTokenMs: input.latency.llmFirstTokenMs ?? null,
          ttsFirstByteMs: input.latency.ttsFirstByteMs ?? null,
          voiceToVoiceMs: input.latency.voiceToVoiceMs ?? null,
          createdAt,
        });
        await tx.insert(MessageEntity, row);
        return row;
      });
      return { message, created: true };
    } catch (err) {
      const raced = isUniqueViolation(err) ? await this.messages.findOneBy({ id: input.id }) : null;
      if (raced) return this.replayed(raced, conversationId);
      throw err;
    }
  }

  private replayed(existing: MessageEntity, conversationId: string) {
    if (existing.conversationId !== conversationId) {
      throw ApiError.conflict('This message id is already used in another conversation: generate a new id');
    }
    return { message: existing, created: false };
  }

  async end(principal: Principal, id: string, input: EndConversationRequest): Promise<ConversationEntity> {
    const conversation = await this.findAccessible(principal, id);
    if (conversation.status === 'ended') return conversation;
    const endedAt = input.endedAt ? new Date(input.endedAt) : new Date();
    // Only the first of two concurrent ends sets endedAt; the other answers with what it stored.
    const result = await this.conversations.update({ id: conversation.id, status: 'active' }, { status: 'ended', endedAt });
    if (!result.affected) return this.conversations.findOneByOrFail({ id: conversation.id });
    return Object.assign(conversation, { status: 'ended', endedAt });
  }

  async delete(userId: string, id: string) {
    const result = await this.conversations.delete({ id, userId });
    if (!result.affected) throw notFound();
  }
}
