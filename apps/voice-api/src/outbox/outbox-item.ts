import { AppendMessageRequest, CallDirection } from '@voice/contracts/persistence';
import { z } from 'zod';

/** One unit of work for persistence-api, as stored on disk (one JSON file per item). */
export const OutboxItem = z.discriminatedUnion('kind', [
  z.object({
    seq: z.number().int().positive(),
    kind: z.literal('turn'),
    conversationId: z.uuid(),
    message: AppendMessageRequest,
    enqueuedAt: z.string(),
  }),
  z.object({
    seq: z.number().int().positive(),
    kind: z.literal('call'),
    /** The call's conversation: its items and the call's go in one order. */
    conversationId: z.uuid(),
    call: z.object({
      provider: z.literal('twilio'),
      providerCallId: z.string(),
      direction: CallDirection,
      from: z.string(),
      to: z.string(),
      startedAt: z.string().optional(),
    }),
    /** What is known of its end (status, endedAt, durationSec). */
    update: z.object({ status: z.string(), endedAt: z.string().optional(), durationSec: z.number().int().optional() }).optional(),
    enqueuedAt: z.string(),
  }),
  z.object({
    seq: z.number().int().positive(),
    kind: z.literal('end'),
    conversationId: z.uuid(),
    endedAt: z.string(),
    enqueuedAt: z.string(),
  }),
]);
export type OutboxItem = z.infer<typeof OutboxItem>;

/**
 * A conversation whose session this process owns, written when the session starts and removed once
 * its end is queued: one left behind means the process died first, and whoever adopts the directory
 * ends the conversation (at the latest by its deadline, the session's time cap).
 */
export const OpenConversation = z.object({ conversationId: z.uuid(), deadline: z.iso.datetime() });
export type OpenConversation = z.infer<typeof OpenConversation>;
export const openFileName = (conversationId: string) => `${conversationId}.json`;

/** Zero-padded so that names sort in enqueue order. */
export const itemFileName = (seq: number) => `${String(seq).padStart(16, '0')}.json`;
export const ITEM_FILE = /^\d{16}\.json$/;

export const describeItem = (item: OutboxItem) =>
  item.kind === 'turn'
    ? `turn ${item.message.id} of conversation ${item.conversationId}`
    : item.kind === 'call'
      ? `record of call ${item.call.providerCallId} (${item.update?.status ?? 'started'})`
      : `end of conversation ${item.conversationId}`;
