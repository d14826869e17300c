import { z } from 'zod';

/** The agents a voice session may start with: the clinic front desk's (libs/clinic defines them under these names). */
export const VOICE_AGENT_NAMES = ['receptionist', 'scheduler', 'billing'] as const;
export const VoiceAgentName = z.enum(VOICE_AGENT_NAMES, {
  error: () => `must be one of the agents: ${VOICE_AGENT_NAMES.join(', ')} (or leave it out for ${VOICE_AGENT_NAMES[0]})`,
});
export type VoiceAgentName = z.infer<typeof VoiceAgentName>;

export const CreateSessionRequest = z
  .object({
    agent: VoiceAgentName.optional(),
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
