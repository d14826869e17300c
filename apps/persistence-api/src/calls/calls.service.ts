import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CreateCallRequest, type Call, type UpdateCallRequest } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { z } from 'zod';
import { isUniqueViolation } from '../common/db-errors';
import { isoOrNull } from '../common/time';
import { ConversationEntity } from '../conversations/entities/conversation.entity';
import { CallEntity } from './entities/call.entity';

export const toCall = (c: CallEntity): Call => ({
  id: c.id,
  conversationId: c.conversationId,
  provider: c.provider,
  providerCallId: c.providerCallId,
  direction: c.direction as Call['direction'],
  from: c.from,
  to: c.to,
  status: c.status,
  startedAt: c.startedAt.toISOString(),
  endedAt: isoOrNull(c.endedAt),
  durationSec: c.durationSec,
  recordingUrl: c.recordingUrl,
});

@Injectable()
export class CallsService {
  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(ConversationEntity) private readonly conversations: Repository<ConversationEntity>,
  ) {}

  /** Records a call; the same provider call id twice returns the first record (webhooks retry). */
  async create(input: z.output<typeof CreateCallRequest>): Promise<{ call: CallEntity; created: boolean }> {
    const existing = await this.calls.findOneBy({ provider: input.provider, providerCallId: input.providerCallId });
    if (existing) return { call: existing, created: false };
    const conversationId = input.conversationId ?? null;
    if (conversationId) await this.assertConversation(conversationId);
    const call = this.calls.create({
      id: randomUUID(),
      conversationId,
      provider: input.provider,
      providerCallId: input.providerCallId,
      direction: input.direction,
      from: input.from,
      to: input.to,
      status: 'in-progress',
      startedAt: input.startedAt ? new Date(input.startedAt) : new Date(),
      endedAt: null,
      durationSec: null,
      recordingUrl: null,
    });
    try {
      await this.calls.insert(call);
    } catch (err) {
      const raced = isUniqueViolation(err) ? await this.calls.findOneBy({ provider: input.provider, providerCallId: input.providerCallId }) : null;
      if (raced) return { call: raced, created: false };
      throw err;
    }
    return { call, created: true };
  }

  async get(id: string) {
    const call = await this.calls.findOneBy({ id });
    if (!call) throw ApiError.notFound('Call');
    return call;
  }

  async update(id: string, patch: UpdateCallRequest) {
    const call = await this.get(id);
    if (patch.conversationId) await this.assertConversation(patch.conversationId);
    Object.assign(call, {
      ...patch,
      ...(patch.endedAt ? { endedAt: new Date(patch.endedAt) } : {}),
    });
    await this.calls.save(call);
    return call;
  }

  private async assertConversation(id: string) {
    if (!(await this.conversations.existsBy({ id }))) {
      throw new ApiError(400, 'validation_failed', 'Invalid request: body.conversationId names no conversation', [
        { path: 'body.conversationId', message: 'names no conversation' },
      ]);
    }
  }
}
