import { randomUUID } from 'node:crypto';
import type { ManualClock } from './manual-clock';
import type { SessionRecord, SessionStore } from '../src/sessions/session-store';

export interface StoreUnderTest {
  store: SessionStore;
  clock: ManualClock;
  /** Lets the store notice what came due at the clock's time (the Redis store polls; memory's timers fire in advance()). */
  checkDue(): Promise<void>;
  /** Removes what the test left behind. */
  cleanup?(): Promise<void>;
}

const MINUTE = 60_000;

/** What every SessionStore promises, run against each implementation. */
export function describeSessionStoreContract(name: string, make: () => Promise<StoreUnderTest>) {
  describe(`${name}: the SessionStore contract`, () => {
    let store: SessionStore;
    let clock: ManualClock;
    let checkDue: () => Promise<void>;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => ({ store, clock, checkDue, cleanup } = await make()));
    afterEach(async () => {
      await cleanup?.();
      await store.close();
    });

    const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
      id: randomUUID(),
      userId: randomUUID(),
      conversationId: randomUUID(),
      agent: 'receptionist',
      transport: 'websocket',
      status: 'active',
      createdAt: clock.now(),
      expiresAt: clock.now() + 30 * MINUTE,
      endedAt: null,
      connectedAt: null,
      owner: store.instanceId,
      ...over,
    });
    /** Reserves its slot and adds it, as SessionsService does. */
    const started = async (over: Partial<SessionRecord> = {}, dueAt?: number) => {
      const s = session(over);
      expect(await store.reserve(s.userId, s.id, 10, clock.now(), clock.now() + MINUTE)).toEqual({ reserved: true });
      await store.add(s, dueAt ?? s.expiresAt);
      return s;
    };

    it('stores a session and gives it back; knows nothing of other ids', async () => {
      const s = await started({ agent: 'scheduler', transport: 'livekit' });
      expect(await store.get(s.id)).toEqual(s);
      expect(await store.get(randomUUID())).toBeNull();
    });

    it('holds at most `max` slots per user, counting reservations, and says when the first frees', async () => {
      const userId = randomUUID();
      const now = clock.now();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      expect(await store.reserve(userId, ids[0], 2, now, now + MINUTE)).toEqual({ reserved: true });
      expect(await store.reserve(userId, ids[1], 2, now, now + 2 * MINUTE)).toEqual({ reserved: true });
      expect(await store.reserve(userId, ids[2], 2, now, now + MINUTE)).toEqual({ reserved: false, freeAt: now + MINUTE });
      expect(await store.activeCount(userId, now)).toBe(2);
      expect(await store.reserve(randomUUID(), ids[2], 2, now, now + MINUTE)).toEqual({ reserved: true });

      await store.release(userId, ids[0]);
      expect(await store.activeCount(userId, now)).toBe(1);
      expect(await store.reserve(userId, ids[2], 2, now, now + MINUTE)).toEqual({ reserved: true });
    });

    it('lets an abandoned reservation lapse at its hold time, and an unended session at its deadline', async () => {
      const userId = randomUUID();
      const now = clock.now();
      await store.reserve(userId, randomUUID(), 1, now, now + MINUTE);
      expect(await store.activeCount(userId, now + MINUTE - 1)).toBe(1);
      expect(await store.reserve(userId, randomUUID(), 1, now + MINUTE, now + 2 * MINUTE)).toEqual({ reserved: true });

      const s = await started({ expiresAt: now + 5 * MINUTE });
      expect(await store.activeCount(s.userId, now + 5 * MINUTE - 1)).toBe(1);
      expect(await store.activeCount(s.userId, now + 5 * MINUTE)).toBe(0);
    });

    it('holds the cap when reservations race', async () => {
      const userId = randomUUID();
      const now = clock.now();
      const answers = await Promise.all(Array.from({ length: 6 }, () => store.reserve(userId, randomUUID(), 3, now, now + MINUTE)));
      expect(answers.filter((a) => a.reserved)).toHaveLength(3);
      expect(await store.activeCount(userId, now)).toBe(3);
    });

    it('ends a session once, freeing its slot; racing ends agree on one winner', async () => {
      const s = await started();
      const at = clock.now() + 1234;
      const results = await Promise.all([store.finish(s.id, at), store.finish(s.id, at + 1), store.finish(s.id, at + 2)]);
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await store.get(s.id)).toEqual({ ...s, status: 'ended', endedAt: winners[0]?.endedAt });
      expect(winners[0]).toEqual(await store.get(s.id));
      expect(await store.activeCount(s.userId, clock.now())).toBe(0);
      expect(await store.finish(s.id, at)).toBeNull();
      expect(await store.finish(randomUUID(), at)).toBeNull();
    });

    it('redeems a ticket once, until its expiry to the millisecond, for its own session', async () => {
      const s = await started();
      const grant = { sessionId: s.id, userId: s.userId };
      const expiresAt = clock.now() + MINUTE;
      await store.putTicket('hash-a', grant, expiresAt);
      await store.putTicket('hash-b', grant, expiresAt);
      expect(await store.redeemTicket('hash-a', expiresAt - 1)).toEqual(grant);
      expect(await store.redeemTicket('hash-a', expiresAt - 1)).toBeNull();
      expect(await store.redeemTicket('hash-b', expiresAt)).toBeNull();
      expect(await store.redeemTicket('never-issued', clock.now())).toBeNull();
    });

    it("voids a session's tickets when it ends, and issues none for an ended session", async () => {
      const s = await started();
      const grant = { sessionId: s.id, userId: s.userId };
      await store.putTicket('hash-c', grant, clock.now() + MINUTE);
      await store.finish(s.id, clock.now());
      expect(await store.redeemTicket('hash-c', clock.now())).toBeNull();
      await expect(store.putTicket('hash-d', grant, clock.now() + MINUTE)).rejects.toThrow(/not active/);
    });

    it('admits one connection, on this instance, to an active session only', async () => {
      const s = await started();
      const at = clock.now() + 5;
      expect(await store.connect(s.id, at)).toBe(true);
      expect(await store.connect(s.id, at)).toBe(false);
      expect(await store.get(s.id)).toMatchObject({ connectedAt: at, owner: store.instanceId });
      const ended = await started();
      await store.finish(ended.id, clock.now());
      expect(await store.connect(ended.id, at)).toBe(false);
      expect(await store.connect(randomUUID(), at)).toBe(false);
    });

    it('tells when a session comes due: at its due time while unconnected, then at its deadline', async () => {
      const due: [string, number][] = [];
      store.onDue((id) => due.push([id, clock.now()]));
      const start = clock.now();
      const unconnected = await started({}, start + MINUTE);
      const connected = await started({}, start + MINUTE);
      await store.connect(connected.id, start + 1);

      clock.advance(MINUTE);
      await checkDue();
      expect(due).toEqual([[unconnected.id, start + MINUTE]]);
      await store.finish(unconnected.id, clock.now());

      clock.advance(30 * MINUTE - MINUTE - 1);
      await checkDue();
      expect(due).toHaveLength(1);
      clock.advance(1);
      await checkDue();
      expect(due).toEqual([
        [unconnected.id, start + MINUTE],
        [connected.id, start + 30 * MINUTE],
      ]);
    });

    it('forgets the due time of a session that ended', async () => {
      const due: string[] = [];
      store.onDue((id) => due.push(id));
      const s = await started({}, clock.now() + MINUTE);
      await store.finish(s.id, clock.now());
      clock.advance(31 * MINUTE);
      await checkDue();
      expect(due).toEqual([]);
    });

    it('answers a ping while reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
