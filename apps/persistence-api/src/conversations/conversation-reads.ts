import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  FIRST_REQUEST_MAX,
  type Conversation,
  type ConversationDetail,
  type ConversationPage,
  type ListConversationsQuery,
  type Message,
} from '@voice/contracts/persistence';
import { ApiError } from '@voice/server-kit';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { Principal } from '../auth/principal';
import { Sql, timestampToIso } from '../database/raw-sql';
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

/**
 * A message as detail() reads it: one JSON array per message, all of them in one column (see
 * Sql.jsonArrays). The order of MESSAGE_VALUES.
 */
type MessageTuple = [
  id: string,
  seq: number,
  role: string,
  agent: string | null,
  text: string,
  /** boolean on PostgreSQL, 0/1 on SQLite */
  interrupted: boolean | number,
  endOfUtteranceMs: number | null,
  sttMs: number | null,
  llmFirstTokenMs: number | null,
  ttsFirstByteMs: number | null,
  voiceToVoiceMs: number | null,
  /** as the database stores it ("2026-01-02 03:04:05.678", or with a T on PostgreSQL) */
  createdAt: string,
];

const MESSAGE_VALUES = `m.id, m.seq, m.role, m.agent, m.text, m.interrupted, m.end_of_utterance_ms, m.stt_ms,
  m.llm_first_token_ms, m.tts_first_byte_ms, m.voice_to_voice_ms, m.created_at`;

/** A list row also says what the conversation was about (see page()). */
interface ListRow extends ConversationRow {
  first_request: string | null;
  agents: unknown;
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

function toMessage(
  [id, seq, role, agent, text, interrupted, endOfUtteranceMs, sttMs, llmFirstTokenMs, ttsFirstByteMs, voiceToVoiceMs, createdAt]: MessageTuple,
  conversationId: string,
): Message {
  // Only the figures that were measured, in the order conversation.mapper.ts gives them.
  const latency: Message['latency'] = {};
  if (endOfUtteranceMs !== null) latency.endOfUtteranceMs = endOfUtteranceMs;
  if (sttMs !== null) latency.sttMs = sttMs;
  if (llmFirstTokenMs !== null) latency.llmFirstTokenMs = llmFirstTokenMs;
  if (ttsFirstByteMs !== null) latency.ttsFirstByteMs = ttsFirstByteMs;
  if (voiceToVoiceMs !== null) latency.voiceToVoiceMs = voiceToVoiceMs;
  return {
    id,
    conversationId,
    seq,
    role: role as Message['role'],
    agent,
    text,
    interrupted: Boolean(interrupted),
    latency,
    createdAt: timestampToIso(createdAt),
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
  private readonly summaryColumns: string;

  constructor(@InjectDataSource() db: DataSource) {
    const s = (this.sql = new Sql(db));
    this.conversationColumns = `c.id, c.user_id, c.external_party, c.channel, c.agent, c.title, c.status,
      ${s.iso('c.started_at')} AS started_at, ${s.iso('c.ended_at')} AS ended_at,
      ${s.iso('c.last_message_at')} AS last_message_at, c.message_count`;
    // What a list entry was about, without reading its messages: the caller's first words, and the
    // agents who answered in the order they first did.
    this.summaryColumns = `
      (SELECT SUBSTR(mf.text, 1, ${FIRST_REQUEST_MAX}) FROM messages mf
        WHERE mf.conversation_id = c.id AND mf.role = 'user' ORDER BY mf.seq LIMIT 1) AS first_request,
      (SELECT ${s.jsonArrays('ma.agent', 'ma.first_seq')} FROM
        (SELECT m2.agent, MIN(m2.seq) AS first_seq FROM messages m2
          WHERE m2.conversation_id = c.id AND m2.role = 'agent' AND m2.agent IS NOT NULL GROUP BY m2.agent) ma) AS agents`;
  }

  /** The user's own conversations, newest first, one keyset page at a time. */
  async page(userId: string, query: ListInput): Promise<ConversationPage> {
    const { values, add } = this.sql.params();
    const where = [`c.user_id = ${add(userId)}`];
    if (query.channel) where.push(`c.channel = ${add(query.channel)}`);
    if (query.agent) {
      where.push(`(c.agent = ${add(query.agent)} OR EXISTS (SELECT 1 FROM messages ma WHERE ma.conversation_id = c.id AND ma.agent = ${add(query.agent)}))`);
    }
    if (query.hasMessages !== undefined) where.push(query.hasMessages ? 'c.message_count > 0' : 'c.message_count = 0');
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
    const rows = await this.sql.select<ListRow>(
      `SELECT ${this.conversationColumns}, ${this.summaryColumns} FROM conversations c WHERE ${where.join(' AND ')}
       ORDER BY c.started_at DESC, c.id DESC LIMIT ${add(query.limit + 1)}`,
      values,
    );
    const items = rows.slice(0, query.limit).map((r) => ({
      ...toConversation(r),
      firstRequest: r.first_request,
      agents: this.sql.readJsonArrays<[string]>(r.agents).map(([agent]) => agent),
    }));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null,
    };
  }

  /**
   * One conversation and its messages in order, in one round trip, the messages as one JSON column: a
   * row per message would repeat the conversation's columns on each and cost the driver far more to read
   * (see tools/bench/persistence). Users reach only their own (others are 404).
   */
  async detail(principal: Principal, id: string): Promise<ConversationDetail> {
    const { values, add } = this.sql.params();
    const [row] = await this.sql.select<ConversationRow & { messages: unknown }>(
      `SELECT ${this.conversationColumns},
         (SELECT ${this.sql.jsonArrays(MESSAGE_VALUES, 'm.seq')} FROM messages m WHERE m.conversation_id = c.id) AS messages
       FROM conversations c
       WHERE c.id = ${add(id)}${principal.kind === 'user' ? ` AND c.user_id = ${add(principal.userId)}` : ''}`,
      values,
    );
    if (!row) throw ApiError.notFound('Conversation');
    const messages = this.sql.readJsonArrays<MessageTuple>(row.messages);
    return { ...toConversation(row), messages: messages.map((m) => toMessage(m, row.id)) };
  }
}
