import { z } from 'zod';
import { AgentName } from '../persistence/common';

export const CreateSessionRequest = z
  .object({
    agent: AgentName.optional(),
    title: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const WebSocketTransport = z.object({
  type: z.literal('websocket'),
  /** ws:// or wss:// URL to connect to, with the ticket already in its query. */
  url: z.string(),
  ticket: z.string(),
  ticketExpiresAt: z.string(),
});
export const LiveKitTransport = z.object({
  type: z.literal('livekit'),
  url: z.string(),
  room: z.string(),
  token: z.string(),
});
export const Transport = z.discriminatedUnion('type', [WebSocketTransport, LiveKitTransport]);
export type Transport = z.infer<typeof Transport>;

export const SessionStatus = z.enum(['active', 'ended']);

export const Session = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  agent: z.string(),
  status: SessionStatus,
  transport: z.enum(['websocket', 'livekit']),
  createdAt: z.string(),
  expiresAt: z.string(),
  endedAt: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

/** Answer to POST /v1/sessions: the session and how to connect to it (only given once). */
export const CreateSessionResponse = Session.extend({ connection: Transport });
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;
