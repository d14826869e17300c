import { AppendMessageRequest } from '@voice/contracts/persistence';
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
    kind: z.literal('end'),
    conversationId: z.uuid(),
    endedAt: z.string(),
    enqueuedAt: z.string(),
  }),
]);
export type OutboxItem = z.infer<typeof OutboxItem>;

/** Zero-padded so that names sort in enqueue order. */
export const itemFileName = (seq: number) => `${String(seq).padStart(16, '0')}.json`;
export const ITEM_FILE = /^\d{16}\.json$/;

export const describeItem = (item: OutboxItem) =>
  item.kind === 'turn' ? `turn ${item.message.id} of conversation ${item.conversationId}` : `end of conversation ${item.conversationId}`;
