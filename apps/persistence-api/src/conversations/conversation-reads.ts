import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Conversation, ConversationDetail, ConversationPage, ListConversationsQuery, Message } from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Sql } from '../database/raw-sql';
import { decodeCursor, encodeCursor } from './cursor';

type ListInput = z.output<typeof ListConversationsQuery>;

interface ConversationRow {
  id: string;
  user_id: string | null;
  external_party: string | null;
  channel: string;
  agent: string;
  title: string | null;
  status: string;
  started_at: string;
  ended_at: string | null;
  last_message_at: string | null;
  message_count: number;
}

/** A message's columns, prefixed: they share a row with the conversation's in detail(). */
interface MessageRow {
  m_id: string | null;
  m_seq: number;
  m_role: string;
  m_agent: string | null;
  m_text: string;
  /** boolean on PostgreSQL, 0/1 on SQLite */
  m_interrupted: boolean | number;
  m_end_of_utterance_ms: number | null;
  m_stt_ms: number | null;
  m_llm_first_token_ms: number | null;
  m_tts_first_byte_ms: number | null;
  m_voice_to_voice_ms: number | null;
  m_created_at: string;
}

const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  userId: r.user_id,
  externalParty: r.external_party,
  channel: r.channel as Conversation['channel'],
  agent: r.agent,
  title: r.title,
  status: r.status as Conversation['status'],
  startedAt: r.started_at,
  endedAt: r.ended_at,
  lastMessageAt: r.last_message_at,
  messageCount: r.message_count,
});

function toMessage(r: MessageRow, conversationId: string): Message {
  // Only the figures that were measured, in the order conversation.mapper.ts gives them.
  const latency: Message['latency'] = {};
  if (r.m_end_of_utterance_ms !== null) latency.endOfUtteranceMs = r.m_end_of_utterance_ms;
  if (r.m_stt_ms !== null) latency.sttMs = r.m_stt_ms;
  if (r.m_llm_first_token_ms !== null) latency.llmFirstTokenMs = r.m_llm_first_token_ms;
  if (r.m_tts_first_byte_ms !== null) latency.ttsFirstByteMs = r.m_tts_first_byte_ms;
  if (r.m_voice_to_voice_ms !== null) latency.voiceToVoiceMs = r.m_voice_to_voice_ms;
  return {
    id: r.m_id as string,
    conversationId,
    seq: r.m_seq,
    role: r.m_role as Message['role'],
    agent: r.m_agent,
    text: r.m_text,
    interrupted: Boolean(r.m_interrupted),
    latency,
    createdAt: r.m_created_at,
  };
}

const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The two reads the web app makes most (the history page, one conversation with its messages), in
 * plain parameterised SQL mapped straight to the response: under load, TypeORM's query building and
 * entity hydration cost far more CPU than the queries themselves (see tools/bench/persistence).
 * The API tests hold both responses to the shape of the entity mappers, on both databases.
 */
@Injectable()
export class ConversationReads {
  private readonly sql: Sql;
  private readonly conversationColumns: string;
  private readonly messageColumns: string;

  constructor(@InjectDataSource() db: DataSource) {
    const s = (this.sql = new Sql(db));
    this.conversationColumns = `c.id, c.user_id, c.external_party, c.channel, c.agent, c.title, c.status,
      ${s.iso('c.started_at')} AS started_at, ${s.iso('c.ended_at')} AS ended_at,
      ${s.iso('c.last_message_at')} AS last_message_at, c.message_count`;
    this.messageColumns = `m.id AS m_id, m.seq AS m_seq, m.role AS m_role, m.agent AS m_agent, m.text AS m_text,
      m.interrupted AS m_interrupted, m.end_of_utterance_ms AS m_end_of_utterance_ms, m.stt_ms AS m_stt_ms,
      m.llm_first_token_ms AS m_llm_first_token_ms, m.tts_first_byte_ms AS m_tts_first_byte_ms,
      m.voice_to_voice_ms AS m_voice_to_voice_ms, ${s.iso('m.created_at')} AS m_created_at`;
  }

  /** The user's own conversations, newest first, one keyset page at a time. */
  async page(userId: string, query: ListInput): Promise<ConversationPage> {
    const { values, add } = this.sql.params();
    const where = [`c.user_id = ${add(userId)}`];
    if (query.channel) where.push(`c.channel = ${add(query.channel)}`);
    if (query.agent) {
      where.push(
        `(c.agent = ${add(query.agent)} OR EXISTS (SELECT 1 FROM messages ma WHERE ma.conversation_id = c.id AND ma.agent = ${add(query.agent)}))`,
      );
    }
    if (query.from) where.push(`c.started_at >= ${add(new Date(query.from))}`);
    if (query.to) where.push(`c.started_at <= ${add(new Date(query.to))}`);
    if (query.q) {
      const q = likePattern(query.q);
      where.push(
        `(LOWER(c.title) LIKE ${add(q)} ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages mq WHERE mq.conversation_id = c.id AND LOWER(mq.text) LIKE ${add(q)} ESCAPE '\\'))`,
      );
    }
    if (query.cursor) {
      const { startedAt, id } = decodeCursor(query.cursor);
      where.push(`(c.started_at < ${add(startedAt)} OR (c.started_at = ${add(startedAt)} AND c.id < ${add(id)}))`);
    }
    // One row more than the page tells whether there is a next page.
    const rows = await this.sql.select<ConversationRow>(
      `SELECT ${this.conversationColumns} FROM conversations c WHERE ${where.join(' AND ')}
       ORDER BY c.started_at DESC, c.id DESC LIMIT ${add(query.limit + 1)}`,
      values,
    );
    const items = rows.slice(0, query.limit).map(toConversation);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null,
    };
  }

  /** One conversation and its messages in order, in one round trip. Users reach only their own (others are 404). */
  async detail(principal: Principal, id: string): Promise<ConversationDetail> {
    const { values, add } = this.sql.params();
    const rows = await this.sql.select<ConversationRow & MessageRow>(
      `SELECT ${this.conversationColumns}, ${this.messageColumns}
       FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
       WHERE c.id = ${add(id)}${principal.kind === 'user' ? ` AND c.user_id = ${add(principal.userId)}` : ''}
       ORDER BY m.seq`,
      values,
    );
    if (rows.length === 0) throw ApiError.notFound('Conversation');
    const conversation = toConversation(rows[0]);
    const messages = rows[0].m_id === null ? [] : rows.map((r) => toMessage(r, conversation.id));
    return { ...conversation, messages };
  }
}
