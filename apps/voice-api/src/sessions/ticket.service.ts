import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../common/clock';
import type { SessionStore, TicketGrant } from './session-store';

export type { TicketGrant };

const digest = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

/**
 * Single-use tickets for the WebSocket transport: 32 random bytes (base64url), valid for a few
 * seconds, bound to a user and a session. Kept in the session store (so with Redis any instance can
 * redeem one), by hash only; ending the session voids them.
 */
export class TicketService {
  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly store: SessionStore,
  ) {}

  async issue(grant: TicketGrant): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now() + this.ttlSeconds * 1000;
    await this.store.putTicket(digest(ticket), grant, expiresAt);
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The grant, once: null when the ticket is unknown, expired or already used, or its session ended. */
  redeem(ticket: string): Promise<TicketGrant | null> {
    return this.store.redeemTicket(digest(ticket), this.clock.now());
  }
}
