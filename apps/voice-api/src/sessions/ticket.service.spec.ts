import { ManualClock } from '../../test/manual-clock';
import { TicketService } from './ticket.service';

describe('TicketService (manual clock)', () => {
  const grant = { sessionId: '6f1c7a52-8d0e-4a57-9f0c-2f6a0d1e9b11', userId: '0b8e5c0e-1f5e-4b7a-8c77-3c2d1e0f9a22' };
  let clock: ManualClock;
  let tickets: TicketService;
  beforeEach(() => {
    clock = new ManualClock();
    tickets = new TicketService(clock, 60);
  });

  it('issues 32 random bytes as base64url, expiring after the TTL', () => {
    const { ticket, expiresAt } = tickets.issue(grant);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(ticket, 'base64url')).toHaveLength(32);
    expect(expiresAt.getTime()).toBe(clock.now() + 60_000);
    expect(new Set(Array.from({ length: 100 }, () => tickets.issue(grant).ticket)).size).toBe(100);
  });

  it('redeems a ticket once', () => {
    const { ticket } = tickets.issue(grant);
    expect(tickets.redeem(ticket)).toEqual(grant);
    expect(tickets.redeem(ticket)).toBeNull();
  });

  it('honours the TTL to the millisecond', () => {
    const early = tickets.issue(grant).ticket;
    const late = tickets.issue(grant).ticket;
    clock.advance(59_999);
    expect(tickets.redeem(early)).toEqual(grant);
    clock.advance(1);
    expect(tickets.redeem(late)).toBeNull();
  });

  it('knows nothing of tickets it did not issue, or of a session that was revoked', () => {
    expect(tickets.redeem('')).toBeNull();
    expect(tickets.redeem('A'.repeat(43))).toBeNull();
    const { ticket } = tickets.issue(grant);
    const other = tickets.issue({ ...grant, sessionId: '9d3f4c1b-2a6e-4f0d-8b1c-7e5a4d3c2b10' }).ticket;
    tickets.revokeSession(grant.sessionId);
    expect(tickets.redeem(ticket)).toBeNull();
    expect(tickets.redeem(other)).toEqual({ ...grant, sessionId: '9d3f4c1b-2a6e-4f0d-8b1c-7e5a4d3c2b10' });
  });

  it('is bound to its own user and session', () => {
    const a = tickets.issue(grant).ticket;
    const b = tickets.issue({ sessionId: grant.userId, userId: grant.sessionId }).ticket;
    expect(tickets.redeem(b)).toEqual({ sessionId: grant.userId, userId: grant.sessionId });
    expect(tickets.redeem(a)).toEqual(grant);
  });
});
