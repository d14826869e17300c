import { ManualClock } from '../../test/manual-clock';
import { MemorySessionStore } from './memory-session-store';
import { TicketService } from './ticket.service';

describe('TicketService (manual clock)', () => {
  const grant = { sessionId: '6f1c7a52-8d0e-4a57-9f0c-2f6a0d1e9b11', userId: '0b8e5c0e-1f5e-4b7a-8c77-3c2d1e0f9a22' };
  let clock: ManualClock;
  let store: MemorySessionStore;
  let tickets: TicketService;
  beforeEach(async () => {
    clock = new ManualClock();
    store = new MemorySessionStore(clock);
    tickets = new TicketService(clock, 60, store);
    const session = { id: grant.sessionId, userId: grant.userId, conversationId: grant.userId, agent: 'receptionist', transport: 'websocket' as const };
    const times = { createdAt: clock.now(), expiresAt: clock.now() + 30 * 60_000, endedAt: null, connectedAt: null };
    await store.add({ ...session, ...times, status: 'active', owner: store.instanceId }, times.expiresAt);
  });
  afterEach(() => store.close());

  it('issues 32 random bytes as base64url, expiring after the TTL', async () => {
    const { ticket, expiresAt } = await tickets.issue(grant);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(ticket, 'base64url')).toHaveLength(32);
    expect(expiresAt.getTime()).toBe(clock.now() + 60_000);
    const many = await Promise.all(Array.from({ length: 100 }, () => tickets.issue(grant)));
    expect(new Set(many.map((t) => t.ticket)).size).toBe(100);
  });

  it('redeems a ticket once', async () => {
    const { ticket } = await tickets.issue(grant);
    expect(await tickets.redeem(ticket)).toEqual(grant);
    expect(await tickets.redeem(ticket)).toBeNull();
  });

  it('honours the TTL to the millisecond', async () => {
    const early = (await tickets.issue(grant)).ticket;
    const late = (await tickets.issue(grant)).ticket;
    clock.advance(59_999);
    expect(await tickets.redeem(early)).toEqual(grant);
    clock.advance(1);
    expect(await tickets.redeem(late)).toBeNull();
  });

  it('knows nothing of tickets it did not issue, nor of those of a session that ended', async () => {
    expect(await tickets.redeem('')).toBeNull();
    expect(await tickets.redeem('A'.repeat(43))).toBeNull();
    const { ticket } = await tickets.issue(grant);
    await store.finish(grant.sessionId, clock.now());
    expect(await tickets.redeem(ticket)).toBeNull();
  });
});
