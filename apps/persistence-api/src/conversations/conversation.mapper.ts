import type { Conversation, Message } from '@voice/contracts/persistence';
import { isoOrNull } from '../common/time';
import type { ConversationEntity } from './entities/conversation.entity';
import type { MessageEntity } from './entities/message.entity';

export const toConversation = (c: ConversationEntity): Conversation => ({
  id: c.id,
  userId: c.userId,
  externalParty: c.externalParty,
  channel: c.channel as Conversation['channel'],
  agent: c.agent,
  title: c.title,
  status: c.status as Conversation['status'],
  startedAt: c.startedAt.toISOString(),
  endedAt: isoOrNull(c.endedAt),
  lastMessageAt: isoOrNull(c.lastMessageAt),
  messageCount: c.messageCount,
});

const LATENCY_KEYS = ['endOfUtteranceMs', 'sttMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'voiceToVoiceMs'] as const;

export const toMessage = (m: MessageEntity): Message => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  role: m.role as Message['role'],
  agent: m.agent,
  text: m.text,
  interrupted: Boolean(m.interrupted),
  latency: Object.fromEntries(LATENCY_KEYS.filter((k) => m[k] !== null).map((k) => [k, m[k]])),
  createdAt: m.createdAt.toISOString(),
});
