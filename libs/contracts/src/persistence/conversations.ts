import { z } from 'zod';
import { AgentName, Channel, Id, IsoDateTime } from './common';

export const ConversationStatus = z.enum(['active', 'ended']);
export const MessageRole = z.enum(['user', 'agent', 'system']);
export type MessageRole = z.infer<typeof MessageRole>;

const Ms = z.number().int('must be a whole number of milliseconds').min(0).max(600_000);

/** Per-turn latency figures in milliseconds, as measured by the voice pipeline: sent live as `turn_metrics` and stored with the message. */
export const TurnLatency = z
  .object({
    endOfUtteranceMs: Ms,
    sttMs: Ms,
    llmFirstTokenMs: Ms,
    ttsFirstByteMs: Ms,
    voiceToVoiceMs: Ms,
  })
  .partial()
  .strict();
export type TurnLatency = z.infer<typeof TurnLatency>;

export const Conversation = z.object({
  id: z.uuid(),
  userId: z.uuid().nullable(),
  externalParty: z.string().nullable(),
  channel: Channel,
  agent: z.string(),
  title: z.string().nullable(),
  status: ConversationStatus,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  lastMessageAt: z.string().nullable(),
  messageCount: z.number().int(),
});
export type Conversation = z.infer<typeof Conversation>;

export const Message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int(),
  role: MessageRole,
  agent: z.string().nullable(),
  text: z.string(),
  interrupted: z.boolean(),
  latency: TurnLatency,
  createdAt: z.string(),
});
export type Message = z.infer<typeof Message>;

export const ConversationDetail = Conversation.extend({ messages: z.array(Message) });
export type ConversationDetail = z.infer<typeof ConversationDetail>;

/**
 * A user creates conversations for themselves; a service client names the user or the external
 * party (a phone number or WhatsApp id) the conversation belongs to.
 */
export const CreateConversationRequest = z
  .object({
    id: Id.optional(),
    channel: Channel,
    agent: AgentName.default('receptionist'),
    title: z.string().trim().min(1).max(200).optional(),
    userId: Id.optional(),
    externalParty: z.string().trim().min(3).max(64).optional(),
  })
  .strict();
export type CreateConversationRequest = z.input<typeof CreateConversationRequest>;

export const AppendMessageRequest = z
  .object({
    /** Client-chosen id: appending the same id twice stores the message once. */
    id: Id,
    role: MessageRole,
    agent: AgentName.optional(),
    text: z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
    interrupted: z.boolean().default(false),
    latency: TurnLatency.default({}),
    createdAt: IsoDateTime.optional(),
  })
  .strict();
export type AppendMessageRequest = z.input<typeof AppendMessageRequest>;

export const EndConversationRequest = z.object({ endedAt: IsoDateTime.optional() }).strict();
export type EndConversationRequest = z.infer<typeof EndConversationRequest>;

export const ListConversationsQuery = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(20),
    channel: Channel.optional(),
    agent: AgentName.optional(),
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    q: z.string().trim().min(1).max(200).optional(),
    /** "true": only conversations with at least one message (a call in which nothing was said is left out); "false": only those without. */
    hasMessages: z
      .enum(['true', 'false'], { message: 'must be "true" or "false"' })
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict()
  .refine((v) => !v.from || !v.to || Date.parse(v.from) <= Date.parse(v.to), { message: 'must not be after "to"', path: ['from'] });
export type ListConversationsQuery = z.input<typeof ListConversationsQuery>;

/** The longest first request a conversation list carries; the detail has the whole text. */
export const FIRST_REQUEST_MAX = 200;

/** A conversation as a list shows it: what it was about, without its messages. */
export const ConversationListItem = Conversation.extend({
  /** The caller's first words (at most FIRST_REQUEST_MAX characters), or null when the caller said nothing. */
  firstRequest: z.string().nullable(),
  /** The agents who answered, in the order they first did. */
  agents: z.array(z.string()),
});
export type ConversationListItem = z.infer<typeof ConversationListItem>;

export const ConversationPage = z.object({
  items: z.array(ConversationListItem),
  nextCursor: z.string().nullable(),
});
export type ConversationPage = z.infer<typeof ConversationPage>;
