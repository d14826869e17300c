import { z } from 'zod';
import { Id, IsoDateTime } from './common';

export const CallDirection = z.enum(['inbound', 'outbound']);

export const Call = z.object({
  id: z.uuid(),
  conversationId: z.uuid().nullable(),
  provider: z.string(),
  providerCallId: z.string(),
  direction: CallDirection,
  from: z.string(),
  to: z.string(),
  status: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationSec: z.number().int().nullable(),
  recordingUrl: z.string().nullable(),
});
export type Call = z.infer<typeof Call>;

const Party = z.string().trim().min(2).max(64);

export const CreateCallRequest = z
  .object({
    provider: z.enum(['twilio']),
    providerCallId: z.string().trim().min(1).max(128),
    direction: CallDirection,
    from: Party,
    to: Party,
    conversationId: Id.optional(),
    startedAt: IsoDateTime.optional(),
  })
  .strict();
export type CreateCallRequest = z.input<typeof CreateCallRequest>;

export const UpdateCallRequest = z
  .object({
    status: z.enum(['in-progress', 'completed', 'failed', 'busy', 'no-answer', 'canceled']),
    endedAt: IsoDateTime,
    durationSec: z.number().int().min(0).max(86_400),
    recordingUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
    conversationId: Id,
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateCallRequest = z.infer<typeof UpdateCallRequest>;
