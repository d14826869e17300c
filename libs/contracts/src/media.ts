import { z } from 'zod';
import { TurnLatency } from './persistence/conversations';

/**
 * The WebSocket voice protocol between a client and voice-api.
 *
 * Binary frames carry audio both ways: exactly 20 ms of 16 kHz mono signed 16-bit little-endian
 * PCM (320 samples, 640 bytes). Text frames carry one JSON object each, below.
 */
export const MEDIA_SAMPLE_RATE = 16_000;
export const MEDIA_FRAME_MS = 20;
export const MEDIA_FRAME_SAMPLES = (MEDIA_SAMPLE_RATE * MEDIA_FRAME_MS) / 1000;
export const MEDIA_FRAME_BYTES = MEDIA_FRAME_SAMPLES * 2;

/**
 * LiveKit transport: the data-packet topics that carry the same JSON as the WebSocket's text
 * frames. voice-api's agent publishes ServerEvents on the events topic and reads ClientMessages
 * (text, playback, start, stop) from the caller on the control topic; the browser does the reverse.
 */
export const LIVEKIT_EVENTS_TOPIC = 'voice-events';
export const LIVEKIT_CONTROL_TOPIC = 'voice-control';

const TurnId = z.string().min(1).max(64);

// ---- client → server ----

/** Begins the call: the server greets and starts listening. */
export const StartCommand = z.object({ type: z.literal('start') }).strict();
/** Ends the call from the client side; the server closes the socket after flushing. */
export const StopCommand = z.object({ type: z.literal('stop') }).strict();
/** Typed input, handled like a final spoken utterance. */
export const TextCommand = z.object({ type: z.literal('text'), text: z.string().trim().min(1, 'must not be empty').max(2000) }).strict();
/** How much of an agent turn's audio the client has actually played (after `clear`, or when it finished). */
export const PlaybackReport = z.object({ type: z.literal('playback'), turnId: TurnId, playedMs: z.number().int().min(0).max(600_000) }).strict();

export const ClientMessage = z.discriminatedUnion('type', [StartCommand, StopCommand, TextCommand, PlaybackReport]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---- server → client ----

export const AgentState = z.enum(['listening', 'thinking', 'speaking']);
export type AgentState = z.infer<typeof AgentState>;

/** Sent once the socket is accepted. */
export const ReadyEvent = z.object({
  type: z.literal('ready'),
  sessionId: z.string(),
  conversationId: z.string(),
  agent: z.string(),
});
export const TranscriptEvent = z.object({
  type: z.literal('transcript'),
  turnId: TurnId,
  role: z.enum(['user', 'agent']),
  /** Agent name for agent lines. */
  agent: z.string().optional(),
  text: z.string(),
  /** Interim user words are replaced by later events with the same turnId; final ones stand. */
  final: z.boolean(),
  interrupted: z.boolean().optional(),
});
export const AgentStateEvent = z.object({ type: z.literal('agent_state'), state: AgentState, agent: z.string() });
/** Drop every queued agent audio frame now (the caller spoke over the agent). */
export const ClearEvent = z.object({ type: z.literal('clear'), turnId: TurnId });

export const TurnMetricsEvent = z.object({ type: z.literal('turn_metrics'), turnId: TurnId, metrics: TurnLatency });
export const ErrorEvent = z.object({
  type: z.literal('error'),
  code: z.enum(['bad_frame', 'bad_message', 'provider_error', 'session_ended', 'internal']),
  message: z.string(),
});

export const ServerEvent = z.discriminatedUnion('type', [ReadyEvent, TranscriptEvent, AgentStateEvent, ClearEvent, TurnMetricsEvent, ErrorEvent]);
export type ServerEvent = z.infer<typeof ServerEvent>;
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;
export type ErrorEvent = z.infer<typeof ErrorEvent>;
