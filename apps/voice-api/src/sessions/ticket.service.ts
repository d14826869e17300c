import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../common/clock';

/** What a redeemed ticket admits: one user into one session. */
export interface TicketGrant {
  sessionId: string;
  userId: string;
}

const digest = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

/**
 * Single-use tickets for the WebSocket transport: 32 random bytes (base64url), valid for a few
 * seconds, bound to a user and a session. Held in memory per instance (a later step moves them
 * to Redis so that any instance can redeem); only their hashes are kept.
 */
export class TicketService {
  private readonly tickets = new Map<string, TicketGrant & { expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  issue(grant: TicketGrant): { ticket: string; expiresAt: Date } {
    this.prune();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now() + this.ttlSeconds * 1000;
    this.tickets.set(digest(ticket), { ...grant, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The grant, once: null when the ticket is unknown, expired or already used. */
  redeem(ticket: string): TicketGrant | null {
    const key = digest(ticket);
    const entry = this.tickets.get(key);
    if (!entry) return null;
    this.tickets.delete(key);
    if (this.clock.now() >= entry.expiresAt) return null;
    return { sessionId: entry.sessionId, userId: entry.userId };
  }

  /** Voids the session's unused tickets (the session ended). */
  revokeSession(sessionId: string) {
    for (const [key, entry] of this.tickets) if (entry.sessionId === sessionId) this.tickets.delete(key);
  }

  private prune() {
    const now = this.clock.now();
    for (const [key, entry] of this.tickets) if (now >= entry.expiresAt) this.tickets.delete(key);
  }
}
