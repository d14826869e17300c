import type { Clock } from '../common/clock';
import { KEEP_ENDED_MS, type Reservation, type SessionRecord, type SessionStore, type TicketGrant } from './session-store';

/**
 * The embedded default: everything in this process's memory, so a session is known only to the
 * instance that created it (and is lost on restart; the transcript outbox then ends its conversation).
 * Due times are the clock's timers.
 */
export class MemorySessionStore implements SessionStore {
  readonly instanceId = 'local';
  readonly shared = false;
  private readonly sessions = new Map<string, SessionRecord>();
  /** Per user: session id → when its slot lapses. */
  private readonly slots = new Map<string, Map<string, number>>();
  private readonly tickets = new Map<string, TicketGrant & { expiresAt: number }>();
  private readonly timers = new Map<string, () => void>();
  private dueHandler: (id: string) => void = () => undefined;

  constructor(private readonly clock: Clock) {}

  async reserve(userId: string, id: string, max: number, now: number, holdUntil: number): Promise<Reservation> {
    const slots = this.slotsOf(userId, now);
    if (slots.size >= max) return { reserved: false, freeAt: Math.min(...slots.values()) };
    slots.set(id, holdUntil);
    this.slots.set(userId, slots);
    return { reserved: true };
  }

  async release(userId: string, id: string): Promise<void> {
    this.slots.get(userId)?.delete(id);
  }

  async add(session: SessionRecord, dueAt: number): Promise<void> {
    this.forgetOld(session.createdAt);
    this.sessions.set(session.id, { ...session });
    this.slots.set(session.userId, this.slotsOf(session.userId, session.createdAt).set(session.id, session.expiresAt));
    this.schedule(session.id, dueAt);
  }

  async get(id: string): Promise<SessionRecord | null> {
    this.forgetOld(this.clock.now());
    const session = this.sessions.get(id);
    return session ? { ...session } : null;
  }

  async activeCount(userId: string, now: number): Promise<number> {
    return this.slotsOf(userId, now).size;
  }

  async putTicket(hash: string, grant: TicketGrant, expiresAt: number): Promise<void> {
    if (this.sessions.get(grant.sessionId)?.status !== 'active') throw new Error(`session ${grant.sessionId} is not active: no ticket issued`);
    const now = this.clock.now();
    for (const [key, entry] of this.tickets) if (now >= entry.expiresAt) this.tickets.delete(key);
    this.tickets.set(hash, { ...grant, expiresAt });
  }

  async redeemTicket(hash: string, now: number): Promise<TicketGrant | null> {
    const entry = this.tickets.get(hash);
    if (!entry) return null;
    this.tickets.delete(hash);
    return now < entry.expiresAt ? { sessionId: entry.sessionId, userId: entry.userId } : null;
  }

  async connect(id: string, at: number): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || session.status !== 'active' || session.connectedAt !== null) return false;
    session.connectedAt = at;
    session.owner = this.instanceId;
    this.schedule(id, session.expiresAt);
    return true;
  }

  async finish(id: string, endedAt: number): Promise<SessionRecord | null> {
    const session = this.sessions.get(id);
    if (!session || session.status !== 'active') return null;
    session.status = 'ended';
    session.endedAt = endedAt;
    this.timers.get(id)?.();
    this.timers.delete(id);
    this.slots.get(session.userId)?.delete(id);
    for (const [key, entry] of this.tickets) if (entry.sessionId === id) this.tickets.delete(key);
    return { ...session };
  }

  onDue(handler: (id: string) => void): void {
    this.dueHandler = handler;
  }

  async announceEnded(): Promise<void> {
    // Nobody else to tell.
  }

  onEndedElsewhere(): void {
    // Nothing ends elsewhere.
  }

  async ping(): Promise<void> {
    // Always reachable.
  }

  onApplicationShutdown() {
    return this.close();
  }

  async close(): Promise<void> {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private schedule(id: string, at: number) {
    this.timers.get(id)?.();
    this.timers.set(
      id,
      this.clock.setTimer(at - this.clock.now(), () => {
        this.timers.delete(id);
        this.dueHandler(id);
      }),
    );
  }

  private slotsOf(userId: string, now: number): Map<string, number> {
    const slots = this.slots.get(userId) ?? new Map<string, number>();
    for (const [id, until] of slots) if (until <= now) slots.delete(id);
    if (slots.size === 0) this.slots.delete(userId);
    return slots;
  }

  private forgetOld(now: number) {
    for (const [id, s] of this.sessions) if (s.endedAt !== null && now - s.endedAt > KEEP_ENDED_MS) this.sessions.delete(id);
  }
}
