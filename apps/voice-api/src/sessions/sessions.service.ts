import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Conversation } from '@voice/contracts/persistence';
import type { CreateSessionRequest, CreateSessionResponse, Session } from '@voice/contracts/voice';
import { ApiError } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import type { AuthUser } from '../auth/user-token-verifier';
import { InjectClock, type Clock } from '../common/clock';
import { InjectConfig, type VoiceApiConfig } from '../config';
import { TranscriptOutbox } from '../outbox/transcript-outbox';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceError } from '../persistence/persistence-error';
import { LiveKitRooms, roomNameFor } from './livekit-rooms';
import { InjectSessionStore, type SessionEnded, type SessionEndReason, type SessionRecord, type SessionStore } from './session-store';
import { TicketService } from './ticket.service';
import { websocketUrl } from './websocket-url';

export const LIVEKIT_ROOMS = Symbol('LIVEKIT_ROOMS');

export type { SessionEnded, SessionEndReason, SessionRecord };

/** A slot is held this long for a session being created (persistence-api and LiveKit calls time out well before). */
const START_HOLD_MS = 2 * 60_000;
/** How often an end the store could not record is tried again. */
const FINISH_RETRY_MS = 5_000;

const unavailable = (what: string) =>
  new ApiError(503, 'service_unavailable', `Cannot start a voice session: ${what} is unavailable right now. Try again in a moment.`);
const storeUnavailable = () =>
  new ApiError(503, 'service_unavailable', 'Cannot read voice sessions: the session store is unavailable right now. Try again in a moment.');

export const toSession = (r: SessionRecord): Session => ({
  id: r.id,
  conversationId: r.conversationId,
  agent: r.agent,
  status: r.status,
  transport: r.transport,
  createdAt: new Date(r.createdAt).toISOString(),
  expiresAt: new Date(r.expiresAt).toISOString(),
  endedAt: r.endedAt === null ? null : new Date(r.endedAt).toISOString(),
});

/**
 * Voice sessions: at most MAX_SESSIONS_PER_USER active per user, each ended after
 * SESSION_MAX_MINUTES, or when its ticket expires with nobody connected. The state lives in the
 * SessionStore: this process's memory by default, or Redis (REDIS_URL), shared by every instance,
 * so that any instance can take a session's socket or end it.
 *
 * Whatever ends a session (DELETE, its due time, the media layer's hangUp, shutdown) enqueues the
 * conversation's end in the durable outbox and emits on `ended$`, as do ends announced by other
 * instances, so the media gateway holding the socket can close it.
 */
@Injectable()
export class SessionsService implements OnModuleInit, BeforeApplicationShutdown {
  readonly ended$ = new Subject<SessionEnded>();
  private readonly logger = new Logger(SessionsService.name);
  /**
   * The sessions this instance ends at shutdown, and can end while the store is unreachable: in memory,
   * every session it created; with a shared store, those whose media connection it holds.
   */
  private readonly here = new Map<string, SessionRecord>();
  private stopping = false;

  constructor(
    @InjectConfig() private readonly config: VoiceApiConfig,
    @InjectClock() private readonly clock: Clock,
    private readonly persistence: PersistenceClient,
    private readonly outbox: TranscriptOutbox,
    private readonly tickets: TicketService,
    @InjectSessionStore() private readonly store: SessionStore,
    @Inject(LIVEKIT_ROOMS) private readonly livekit: LiveKitRooms | null,
  ) {}

  onModuleInit() {
    this.store.onDue((id) => void this.endDue(id));
    this.store.onEndedElsewhere((event) => {
      this.here.delete(event.sessionId);
      this.ended$.next(event);
    });
  }

  /** Starts a session: creates the conversation, then the transport. Leaves nothing behind when either fails. */
  async create(user: AuthUser, input: CreateSessionRequest, wsBase: string): Promise<CreateSessionResponse> {
    const id = randomUUID();
    await this.reserveSlot(user.userId, id);
    let record: SessionRecord | undefined;
    try {
      const conversation = await this.createConversation(user, input);
      const now = this.clock.now();
      const expiresAt = now + this.config.SESSION_MAX_MINUTES * 60_000;
      // With a shared store a session outlives this process, and whichever instance sees it come due ends it.
      if (!this.store.shared) await this.markOpen(conversation.id, expiresAt);
      const session: SessionRecord = {
        id,
        userId: user.userId,
        conversationId: conversation.id,
        agent: conversation.agent,
        transport: this.livekit ? 'livekit' : 'websocket',
        status: 'active',
        createdAt: now,
        expiresAt,
        endedAt: null,
        connectedAt: null,
        owner: this.store.instanceId,
      };
      record = session;
      // Nobody can connect once the ticket has expired: a session still unconnected then is abandoned,
      // and must not hold one of the user's slots (nor leave its conversation active) until the time cap.
      const dueAt = this.livekit ? expiresAt : Math.min(expiresAt, now + this.config.TICKET_TTL_SECONDS * 1000);
      await this.inStore(() => this.store.add(session, dueAt), 'start');
      if (!this.store.shared) this.here.set(id, session);
      const connection = await this.connect(session);
      this.logger.log({ msg: 'voice session started', sessionId: id, conversationId: session.conversationId, transport: session.transport });
      return {
        ...toSession(session),
        connection: connection.type === 'websocket' ? { ...connection, url: websocketUrl(wsBase, connection.ticket) } : connection,
      };
    } catch (err) {
      if (record) await this.abandon(record);
      else await this.store.release(user.userId, id).catch(() => undefined);
      throw err;
    }
  }

  /** The user's own session; 404 for anyone else's, so ids reveal nothing. */
  async getOwn(userId: string, id: string): Promise<SessionRecord> {
    const record = await this.inStore(() => this.store.get(id), 'read');
    if (!record || record.userId !== userId) throw ApiError.notFound('Session');
    return record;
  }

  /**
   * The media layer admitted a connection to the session (its ticket was redeemed on this instance):
   * it is no longer abandoned when the ticket expires. False when it is no longer active.
   */
  async markConnected(session: SessionRecord): Promise<boolean> {
    if (!(await this.store.connect(session.id, this.clock.now()))) return false;
    this.here.set(session.id, session);
    return true;
  }

  /** Any session by id, for the media layer (which has already checked who is asking). */
  find(id: string): Promise<SessionRecord | null> {
    return this.store.get(id);
  }

  activeCount(userId: string): Promise<number> {
    return this.store.activeCount(userId, this.clock.now());
  }

  async endOwn(userId: string, id: string): Promise<SessionRecord> {
    await this.getOwn(userId, id);
    await this.end(id, 'user');
    return this.getOwn(userId, id);
  }

  /**
   * Ends a session once (later calls, here or on any instance, are no-ops): frees the user's slot, voids
   * unused tickets, queues the conversation end, closes the LiveKit room and emits on `ended$` here and
   * on the other instances. Never rejects: while the store is unreachable, a session this instance
   * holds is ended here anyway (the store's copy ends when it comes due).
   */
  async end(id: string, reason: SessionEndReason, at = this.clock.now()): Promise<void> {
    let record: SessionRecord | null;
    try {
      record = await this.store.finish(id, at);
    } catch (err) {
      const held = this.here.get(id);
      this.logger.warn({ msg: `cannot end the session in the session store: ${(err as Error).message}`, sessionId: id });
      record = held ? { ...held, status: 'ended', endedAt: at } : null;
      if (held) this.finishLater(id, at);
    }
    this.here.delete(id);
    if (!record) return;
    const event: SessionEnded = { sessionId: id, conversationId: record.conversationId, userId: record.userId, transport: record.transport, reason };
    this.logger.log({ msg: `voice session ended (${reason})`, sessionId: id, conversationId: record.conversationId });
    this.ended$.next(event);
    this.store.announceEnded(event).catch((err: unknown) => this.logger.warn({ msg: `cannot announce the end: ${(err as Error).message}`, sessionId: id }));
    if (record.transport === 'livekit' && this.livekit) {
      this.livekit.close(roomNameFor(id)).catch((err: unknown) => this.logger.warn({ msg: (err as Error).message, sessionId: id }));
    }
    await this.outbox
      .enqueueEnd(record.conversationId, new Date(at).toISOString())
      .catch((err: unknown) => this.logger.error({ msg: (err as Error).message, sessionId: id }));
  }

  /** Ends the sessions this instance holds, so their conversations' ends reach the outbox before it flushes. */
  async beforeApplicationShutdown() {
    this.stopping = true;
    await Promise.all([...this.here.keys()].map((id) => this.end(id, 'shutdown')));
    this.ended$.complete();
  }

  /** Records an end the store could not take (it was unreachable) once it can, so the user's slot frees before the deadline. */
  private finishLater(id: string, at: number) {
    if (this.stopping) return;
    this.clock.setTimer(FINISH_RETRY_MS, () => void this.store.finish(id, at).catch(() => this.finishLater(id, at)));
  }

  /** A session came due: its deadline passed, or its ticket expired with nobody connected. */
  private async endDue(id: string) {
    const now = this.clock.now();
    const record = await this.store.get(id).catch(() => undefined);
    if (record === undefined) return; // unreachable: it comes due again
    if (record === null || record.connectedAt !== null || now >= record.expiresAt) {
      await this.end(id, 'timeout', record ? Math.min(now, record.expiresAt) : now);
    } else {
      await this.end(id, 'unconnected', now);
    }
  }

  private async reserveSlot(userId: string, id: string) {
    const max = this.config.MAX_SESSIONS_PER_USER;
    const now = this.clock.now();
    const slot = await this.inStore(() => this.store.reserve(userId, id, max, now, now + START_HOLD_MS), 'start');
    if (slot.reserved) return;
    const retryAfter = slot.freeAt === null ? 1 : Math.max(1, Math.ceil((slot.freeAt - now) / 1000));
    throw ApiError.tooManyRequests(
      `You already have ${max} active voice session${max === 1 ? '' : 's'}, the most allowed: end one (DELETE /v1/sessions/{id}) before starting another`,
      retryAfter,
    );
  }

  /** The store's answer, or 503 naming it while it is unreachable. */
  private async inStore<T>(call: () => Promise<T>, purpose: 'start' | 'read'): Promise<T> {
    try {
      return await call();
    } catch (err) {
      this.logger.warn({ msg: `the session store is unreachable: ${(err as Error).message}` });
      throw purpose === 'start' ? unavailable('the session store') : storeUnavailable();
    }
  }

  /** Takes back a session that could not start: frees its slot and marks its conversation ended. */
  private async abandon(record: SessionRecord) {
    this.here.delete(record.id);
    await this.store.finish(record.id, this.clock.now()).catch(() => this.store.release(record.userId, record.id).catch(() => undefined));
    await this.outbox.enqueueEnd(record.conversationId).catch((e: unknown) => this.logger.error({ msg: (e as Error).message }));
  }

  private async createConversation(user: AuthUser, input: CreateSessionRequest): Promise<Conversation> {
    try {
      return await this.persistence.createConversation({ userId: user.userId, ...input });
    } catch (err) {
      if (!(err instanceof PersistenceError)) throw err;
      if (err.refused('body.userId')) {
        throw ApiError.unauthorized('This account no longer exists: sign in again');
      }
      this.logger.warn({ msg: `cannot create the conversation for a new session: ${err.message}` });
      throw unavailable('the conversation store');
    }
  }

  /** Marks the conversation open on disk, so that it is ended even if this process dies mid-call (see TranscriptOutbox). */
  private async markOpen(conversationId: string, deadline: number) {
    try {
      await this.outbox.openConversation(conversationId, new Date(deadline).toISOString());
    } catch (err) {
      this.logger.error({ msg: (err as Error).message });
      await this.persistence.endConversation(conversationId).catch(() => undefined);
      throw unavailable('the transcript outbox');
    }
  }

  private async connect(record: SessionRecord) {
    if (!this.livekit) {
      const { ticket, expiresAt } = await this.inStore(() => this.tickets.issue({ sessionId: record.id, userId: record.userId }), 'start');
      return { type: 'websocket' as const, ticket, ticketExpiresAt: expiresAt.toISOString() };
    }
    try {
      return await this.livekit.open({ sessionId: record.id, conversationId: record.conversationId, userId: record.userId });
    } catch (err) {
      this.logger.warn({ msg: `cannot start a LiveKit session: ${(err as Error).message}` });
      throw unavailable('the LiveKit media server');
    }
  }
}
