import { Inject } from '@nestjs/common';
import type { Session } from '@voice/contracts/voice';

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

/** A session as the store holds it (times in epoch milliseconds). */
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
  /** The instance holding its media connection, or the one that created it until a connection is admitted. */
  owner: string;
}

/** What a redeemed ticket admits: one user into one session. */
export interface TicketGrant {
  sessionId: string;
  userId: string;
}

export type Reservation = { reserved: true } | { reserved: false; /** When the user's first slot frees, if known. */ freeAt: number | null };

/** Ended sessions stay readable (GET) this long, then are forgotten. */
export const KEEP_ENDED_MS = 60 * 60_000;

/**
 * Where voice sessions, their media tickets, the per-user cap and the sessions' due times live:
 * this process's memory (MemorySessionStore, the embedded default) or Redis (RedisSessionStore, with
 * REDIS_URL), which every instance shares. Every method may reject when the store is unreachable.
 *
 * A session is "due" at its deadline, or at its ticket's expiry while nobody has connected; the store
 * calls the onDue handler then (on one instance or several: ending is atomic, so only one ends it).
 */
export interface SessionStore {
  /** This process, as recorded in `owner`. */
  readonly instanceId: string;
  /** True when other instances share the state (and end sessions there). */
  readonly shared: boolean;
  /** Holds one of the user's `max` slots for session `id` until `holdUntil` (replaced by add()), unless all are taken. */
  reserve(userId: string, id: string, max: number, now: number, holdUntil: number): Promise<Reservation>;
  /** Gives back a slot that reserve() held for a session that was never added. */
  release(userId: string, id: string): Promise<void>;
  /** Stores a new active session in its reserved slot, due at `dueAt`. */
  add(session: SessionRecord, dueAt: number): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  /** The user's active sessions (and reservations) at `now`. */
  activeCount(userId: string, now: number): Promise<number>;
  /** Stores a ticket (by its hash) for an active session; it expires at `expiresAt`. */
  putTicket(hash: string, grant: TicketGrant, expiresAt: number): Promise<void>;
  /** The ticket's grant, once: null when unknown, expired, already used or voided. */
  redeemTicket(hash: string, now: number): Promise<TicketGrant | null>;
  /** Records that this instance admitted the session's connection at `at`; it is now due at its deadline. False unless it was active and unconnected. */
  connect(id: string, at: number): Promise<boolean>;
  /** Ends an active session at `endedAt`, freeing its slot and voiding its tickets: the ended record, or null when it had ended already (or is unknown). */
  finish(id: string, endedAt: number): Promise<SessionRecord | null>;
  /** Calls `handler` with each session that comes due. */
  onDue(handler: (id: string) => void): void;
  /** Tells the other instances that a session ended (the one holding its socket closes it). */
  announceEnded(event: SessionEnded): Promise<void>;
  /** Calls `handler` with each end another instance announces. */
  onEndedElsewhere(handler: (event: SessionEnded) => void): void;
  /** Is the store reachable? Rejects naming the problem. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const SESSION_STORE = Symbol('SESSION_STORE');
export const InjectSessionStore = () => Inject(SESSION_STORE);
