import {
  Call,
  Conversation,
  Message,
  type AppendMessageRequest,
  type CreateCallRequest,
  type CreateConversationRequest,
  type EndConversationRequest,
  type UpdateCallRequest,
} from '@voice/contracts/persistence';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { contractError, send, statusError, type HttpCall } from './http';
import { PersistenceError } from './persistence-error';
import { ServiceTokenSource, type ServiceCredential } from './service-token';

export interface PersistenceClientOptions extends ServiceCredential {
  now?: () => number;
}

export interface RequestOptions<S extends z.ZodType> {
  /** Validates the success answer; its output is what the call resolves to. */
  schema: S;
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** Success statuses; anything else is a PersistenceError. Default: any 2xx. */
  ok?: (status: number) => boolean;
  timeoutMs?: number;
  /** Sending it twice does no harm (GET is, always); see HttpCall.idempotent. */
  idempotent?: boolean;
}

const is2xx = (status: number) => status >= 200 && status < 300;

/**
 * persistence-api over HTTP with voice-api's service credential. Every call is bounded by a
 * timeout, a refused token is renewed once, and answers are parsed with the contracts.
 */
export class PersistenceClient {
  readonly baseUrl: string;
  private readonly tokens: ServiceTokenSource;

  constructor(private readonly options: PersistenceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tokens = new ServiceTokenSource({ ...options, baseUrl: this.baseUrl }, options.now);
  }

  /**
   * Creates a conversation: a signed-in user's (web, by default), or a phone caller's known by number
   * (`externalParty`). The id is chosen here, so a retry after a dropped connection cannot create a
   * second conversation (it would get 409).
   */
  createConversation(input: Omit<CreateConversationRequest, 'channel'> & { channel?: CreateConversationRequest['channel'] }): Promise<Conversation> {
    const body = { channel: 'web', id: randomUUID(), ...input } satisfies CreateConversationRequest;
    return this.request('POST', '/v1/conversations', { schema: Conversation, body, idempotent: true });
  }

  /** Stores one turn; persistence-api stores a message id once, so a retry is harmless. */
  appendMessage(conversationId: string, message: AppendMessageRequest): Promise<Message> {
    return this.request('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { schema: Message, body: message, idempotent: true });
  }

  endConversation(conversationId: string, endedAt?: string): Promise<Conversation> {
    const body = (endedAt ? { endedAt } : {}) satisfies EndConversationRequest;
    return this.request('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/end`, { schema: Conversation, body, idempotent: true });
  }

  /** Creates a call record, or finds it (persistence-api keys calls by provider call id), then applies `update`. */
  async recordCall(call: CreateCallRequest, update?: UpdateCallRequest): Promise<Call> {
    const record = await this.request('POST', '/v1/calls', { schema: Call, body: call, idempotent: true });
    if (!update) return record;
    return this.request('PATCH', `/v1/calls/${encodeURIComponent(record.id)}`, { schema: Call, body: update, idempotent: true });
  }

  /** Resolves when persistence-api's own health check answers 200 within `timeoutMs`. */
  async health(timeoutMs: number): Promise<void> {
    const call: HttpCall = { method: 'GET', url: `${this.baseUrl}/health`, timeoutMs, idempotent: true };
    const { status, body } = await send(call);
    if (status !== 200) {
      const down = Object.entries((body as { checks?: Record<string, { status?: string }> } | undefined)?.checks ?? {})
        .filter(([, c]) => c.status === 'down')
        .map(([name]) => name);
      throw new PersistenceError('status', `persistence-api answered ${status}${down.length ? ` (down: ${down.join(', ')})` : ''}`, status);
    }
  }

  async request<S extends z.ZodType>(method: string, path: string, options: RequestOptions<S>): Promise<z.output<S>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const call: HttpCall = {
      method,
      url: url.toString(),
      body: options.body,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs,
      idempotent: options.idempotent ?? method === 'GET',
    };

    let token = await this.tokens.get();
    let answer = await send({ ...call, headers: { authorization: `Bearer ${token}` } });
    if (answer.status === 401) {
      // The cached token may have been revoked or signed with a rotated key: renew it once.
      this.tokens.invalidate(token);
      token = await this.tokens.get();
      answer = await send({ ...call, headers: { authorization: `Bearer ${token}` } });
    }
    if (!(options.ok ?? is2xx)(answer.status)) throw statusError(call, answer.status, answer.body);
    const parsed = options.schema.safeParse(answer.body);
    if (!parsed.success) throw contractError(call, answer.status, parsed.error.message);
    return parsed.data;
  }
}
