import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
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
import { TicketService } from './ticket.service';
import { websocketUrl } from './websocket-url';

export const LIVEKIT_ROOMS = Symbol('LIVEKIT_ROOMS');

/**
 * Why a session ended: the user (DELETE), the time cap, the media layer hanging up, shutdown, or
 * its ticket expiring before anyone connected with it.
 */
export type SessionEndReason = 'user' | 'timeout' | 'hangup' | 'shutdown' | 'unconnected';

export interface SessionEnded {
  sessionId: string;
  conversationId: string;
  userId: string;
  transport: Session['transport'];
  reason: SessionEndReason;
}

/** A session as this instance holds it. */
export interface SessionRecord {
  id: string;
  userId: string;
  conversationId: string;
  agent: string;
  transport: Session['transport'];
  status: Session['status'];
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  /** When its media connection was admitted; null while nobody has connected. */
  connectedAt: number | null;
  cancelTimer?: () => void;
  cancelConnectTimer?: () => void;
}

/** Ended sessions stay readable (GET) this long, then are forgotten. */
const KEEP_ENDED_MS = 60 * 60_000;

const unavailable = (what: string) =>
  new ApiError(503, 'service_unavailable', `Cannot start a voice session: ${what} is unavailable right now. Try again in a moment.`);

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
 * SESSION_MAX_MINUTES. State lives in this instance's memory, so a session is known only to the
 * instance that created it (and is lost on restart); moving it to Redis is a later step.
 *
 * Whatever ends a session (DELETE, the timer, the media layer's hangUp, shutdown) enqueues the
 * conversation's end in the durable outbox and emits on `ended$`, so the media gateway can close
 * the socket.
 */
@Injectable()
export class SessionsService implements BeforeApplicationShutdown {
  readonly ended$ = new Subject<SessionEnded>();
  private readonly logger = new Logger(SessionsService.name);
  private readonly sessions = new Map<string, SessionRecord>();
  /** Slots held by creations still talking to persistence-api or LiveKit, so racing creates respect the cap. */
  private readonly starting = new Map<string, number>();

  constructor(
    @InjectConfig() private readonly config: VoiceApiConfig,
    @InjectClock() private readonly clock: Clock,
    private readonly persistence: PersistenceClient,
    private readonly outbox: TranscriptOutbox,
    private readonly tickets: TicketService,
    @Inject(LIVEKIT_ROOMS) private readonly livekit: LiveKitRooms | null,
  ) {}

  /** Starts a session: creates the conversation, then the transport. Leaves nothing behind when either fails. */
  async create(user: AuthUser, input: CreateSessionRequest, wsBase: string): Promise<CreateSessionResponse> {
    this.forgetOldSessions();
    this.reserveSlot(user.userId);
    try {
      const conversation = await this.createConversation(user, input);
      const now = this.clock.now();
      await this.markOpen(conversation.id, now + this.config.SESSION_MAX_MINUTES * 60_000);
      const record: SessionRecord = {
        id: randomUUID(),
        userId: user.userId,
        conversationId: conversation.id,
        agent: conversation.agent,
        transport: this.livekit ? 'livekit' : 'websocket',
        status: 'active',
        createdAt: now,
        expiresAt: now + this.config.SESSION_MAX_MINUTES * 60_000,
        endedAt: null,
        connectedAt: null,
      };
      const connection = await this.connect(record);
      this.sessions.set(record.id, record);
      record.cancelTimer = this.clock.setTimer(record.expiresAt - now, () => void this.end(record.id, 'timeout'));
      if (connection.type === 'websocket') {
        // Nobody can connect once the ticket has expired: a session still unconnected then is abandoned,
        // and must not hold one of the user's slots (nor leave its conversation active) until the time cap.
        const ticketLeft = Date.parse(connection.ticketExpiresAt) - this.clock.now();
        record.cancelConnectTimer = this.clock.setTimer(ticketLeft, () => {
          if (record.connectedAt === null) void this.end(record.id, 'unconnected');
        });
      }
      this.logger.log({ msg: 'voice session started', sessionId: record.id, conversationId: record.conversationId, transport: record.transport });
      return {
        ...toSession(record),
        connection: connection.type === 'websocket' ? { ...connection, url: websocketUrl(wsBase, connection.ticket) } : connection,
      };
    } finally {
      this.releaseSlot(user.userId);
    }
  }

  /** The user's own session; 404 for anyone else's, so ids reveal nothing. */
  getOwn(userId: string, id: string): SessionRecord {
    this.forgetOldSessions();
    const record = this.sessions.get(id);
    if (!record || record.userId !== userId) throw ApiError.notFound('Session');
    return record;
  }

  /** The media layer admitted a connection to the session (its ticket was redeemed): it is no longer abandoned when the ticket expires. */
  markConnected(id: string): void {
    const record = this.sessions.get(id);
    if (!record || record.connectedAt !== null) return;
    record.connectedAt = this.clock.now();
    record.cancelConnectTimer?.();
  }

  /** Any session by id, for the media layer (which has already checked who is asking). */
  find(id: string): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  activeCount(userId: string): number {
    let count = 0;
    for (const s of this.sessions.values()) if (s.userId === userId && s.status === 'active') count++;
    return count;
  }

  async endOwn(userId: string, id: string): Promise<SessionRecord> {
    const record = this.getOwn(userId, id);
    await this.end(record.id, 'user');
    return record;
  }

  /**
   * Ends a session once (later calls are no-ops): frees the user's slot, voids unused tickets,
   * queues the conversation end, closes the LiveKit room and emits on `ended$`.
   */
  async end(id: string, reason: SessionEndReason): Promise<void> {
    const record = this.sessions.get(id);
    if (!record || record.status === 'ended') return;
    record.status = 'ended';
    record.endedAt = this.clock.now();
    record.cancelTimer?.();
    record.cancelConnectTimer?.();
    this.tickets.revokeSession(id);
    this.logger.log({ msg: `voice session ended (${reason})`, sessionId: id, conversationId: record.conversationId });
    this.ended$.next({ sessionId: id, conversationId: record.conversationId, userId: record.userId, transport: record.transport, reason });
    if (record.transport === 'livekit' && this.livekit) {
      this.livekit.close(roomNameFor(id)).catch((err: unknown) => this.logger.warn({ msg: (err as Error).message, sessionId: id }));
    }
    await this.outbox
      .enqueueEnd(record.conversationId, new Date(record.endedAt).toISOString())
      .catch((err: unknown) => this.logger.error({ msg: (err as Error).message, sessionId: id }));
  }

  /** Ends every active session, so their conversations' ends reach the outbox before it flushes. */
  async beforeApplicationShutdown() {
    const active = [...this.sessions.values()].filter((s) => s.status === 'active');
    await Promise.all(active.map((s) => this.end(s.id, 'shutdown')));
    this.ended$.complete();
  }

  private reserveSlot(userId: string) {
    const max = this.config.MAX_SESSIONS_PER_USER;
    if (this.activeCount(userId) + (this.starting.get(userId) ?? 0) >= max) {
      const soonest = Math.min(...[...this.sessions.values()].filter((s) => s.userId === userId && s.status === 'active').map((s) => s.expiresAt));
      const retryAfter = Number.isFinite(soonest) ? Math.max(1, Math.ceil((soonest - this.clock.now()) / 1000)) : 1;
      throw ApiError.tooManyRequests(
        `You already have ${max} active voice session${max === 1 ? '' : 's'}, the most allowed: end one (DELETE /v1/sessions/{id}) before starting another`,
        retryAfter,
      );
    }
    this.starting.set(userId, (this.starting.get(userId) ?? 0) + 1);
  }

  private releaseSlot(userId: string) {
    const left = (this.starting.get(userId) ?? 1) - 1;
    if (left > 0) this.starting.set(userId, left);
    else this.starting.delete(userId);
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
      const { ticket, expiresAt } = this.tickets.issue({ sessionId: record.id, userId: record.userId });
      return { type: 'websocket' as const, ticket, ticketExpiresAt: expiresAt.toISOString() };
    }
    try {
      return await this.livekit.open({ sessionId: record.id, conversationId: record.conversationId, userId: record.userId });
    } catch (err) {
      this.logger.warn({ msg: `cannot start a LiveKit session: ${(err as Error).message}` });
      // The conversation exists already: mark it ended so the history shows no phantom active call.
      await this.outbox.enqueueEnd(record.conversationId).catch((e: unknown) => this.logger.error({ msg: (e as Error).message }));
      throw unavailable('the LiveKit media server');
    }
  }

  private forgetOldSessions() {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (s.endedAt !== null && now - s.endedAt > KEEP_ENDED_MS) this.sessions.delete(id);
  }
}
