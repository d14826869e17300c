import type { Redis } from '@voice/server-kit';
import { closeRedisClient } from '@voice/server-kit';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock';
import { KEEP_ENDED_MS, type Reservation, type SessionEnded, type SessionRecord, type SessionStore, type TicketGrant } from './session-store';

/** Keeps a sorted set alive as long as its last member's score (a time). */
const EXPIRE_WITH_LAST = `
local function expire_with_last(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, math.ceil(tonumber(last[2]))) end
end
`;

/** KEYS: the user's slots. ARGV: now, max, session id, hold until. Nil when reserved, else the first slot's lapse time. */
const RESERVE = `${EXPIRE_WITH_LAST}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
expire_with_last(KEYS[1])
return false
`;

/** KEYS: the session, the user's slots, the due set. ARGV: id, expires at, due at, then the session's fields and values. */
const ADD = `${EXPIRE_WITH_LAST}
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[2]) + ${KEEP_ENDED_MS})
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
expire_with_last(KEYS[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
`;

/** KEYS: the session, the ticket. ARGV: the grant (JSON), expires at. */
const PUT_TICKET = `
if redis.call('HGET', KEYS[1], 'status') ~= 'active' then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[2])
redis.call('HSET', KEYS[1], 'ticket', KEYS[2])
return 1
`;

/** KEYS: the session, the due set. ARGV: id, connected at, owner. */
const CONNECT = `
local s = redis.call('HMGET', KEYS[1], 'status', 'connectedAt', 'expiresAt')
if s[1] ~= 'active' or s[2] ~= '' then return 0 end
redis.call('HSET', KEYS[1], 'connectedAt', ARGV[2], 'owner', ARGV[3])
redis.call('ZADD', KEYS[2], s[3], ARGV[1])
return 1
`;

/** KEYS: the session, the user's slots, the due set. ARGV: id, ended at. 1 when this call ended it. */
const FINISH = `
if redis.call('HGET', KEYS[1], 'status') ~= 'active' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 0
end
local ticket = redis.call('HGET', KEYS[1], 'ticket')
if ticket then redis.call('DEL', ticket) end
redis.call('HSET', KEYS[1], 'status', 'ended', 'endedAt', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[2]) + ${KEEP_ENDED_MS})
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

type WithScripts = Redis & {
  reserveSessionSlot(...args: (string | number)[]): Promise<string | null>;
  addSession(...args: (string | number)[]): Promise<null>;
  putSessionTicket(...args: (string | number)[]): Promise<number>;
  connectSession(...args: (string | number)[]): Promise<number>;
  finishSession(...args: (string | number)[]): Promise<number>;
};

/** How often each instance looks for sessions that came due (their deadline, or an unused ticket's expiry). */
const DUE_POLL_MS = 1_000;
const DUE_BATCH = 100;

export interface RedisSessionStoreOptions {
  /** Key and channel prefix; tests give each run its own. */
  prefix?: string;
  duePollMs?: number;
}

const num = (v: string | undefined) => (v ? Number(v) : null);

/**
 * Voice sessions in Redis (REDIS_URL), shared by every voice-api instance:
 * - a session is a hash (`<prefix>session:<id>`), kept an hour past its deadline or its end;
 * - a ticket is a string under its hash, set to expire with the ticket and read once with GETDEL;
 * - each user's slots are a sorted set of session ids scored by when the slot lapses (the deadline, or a
 *   short hold while the session is being created), so a session whose every instance died stops
 *   counting at its deadline; reserving a slot is one script, so racing instances respect the cap;
 * - a sorted set of due times (the deadline, or the ticket's expiry until a connection is admitted),
 *   polled by every instance each second: whichever sees a session come due ends it (ending is one
 *   script that only succeeds once), so a session outlives neither its deadline nor a dead instance;
 * - an end is published on `<prefix>session:end` so that the instance holding the socket closes it.
 */
export class RedisSessionStore implements SessionStore {
  readonly instanceId = randomUUID();
  readonly shared = true;
  private readonly redis: WithScripts;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly channel: string;
  private poller?: NodeJS.Timeout;
  private endedElsewhere: (event: SessionEnded) => void = () => undefined;
  private dueHandler: (id: string) => void = () => undefined;

  constructor(
    redis: Redis,
    private readonly clock: Clock,
    private readonly options: RedisSessionStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'voice-api:';
    this.channel = `${this.prefix}session:end`;
    redis.defineCommand('reserveSessionSlot', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('addSession', { numberOfKeys: 3, lua: ADD });
    redis.defineCommand('putSessionTicket', { numberOfKeys: 2, lua: PUT_TICKET });
    redis.defineCommand('connectSession', { numberOfKeys: 2, lua: CONNECT });
    redis.defineCommand('finishSession', { numberOfKeys: 3, lua: FINISH });
    this.redis = redis as WithScripts;
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let parsed: { from?: string; event?: SessionEnded };
      try {
        parsed = JSON.parse(message) as typeof parsed;
      } catch {
        return; // not ours: every instance publishes JSON
      }
      if (parsed.event && parsed.from !== this.instanceId) this.endedElsewhere(parsed.event);
    });
    // On every (re)connection: a subscription attempted while Redis was unreachable would otherwise be lost.
    this.subscriber.on('ready', () => void this.subscriber.subscribe(this.channel).catch(() => undefined));
  }

  private sessionKey = (id: string) => `${this.prefix}session:${id}`;
  private slotsKey = (userId: string) => `${this.prefix}user-sessions:${userId}`;
  private ticketKey = (hash: string) => `${this.prefix}ticket:${hash}`;
  private get dueKey() {
    return `${this.prefix}sessions-due`;
  }

  async reserve(userId: string, id: string, max: number, now: number, holdUntil: number): Promise<Reservation> {
    const first = await this.redis.reserveSessionSlot(this.slotsKey(userId), now, max, id, holdUntil);
    return first === null ? { reserved: true } : { reserved: false, freeAt: Number(first) };
  }

  async release(userId: string, id: string): Promise<void> {
    await this.redis.zrem(this.slotsKey(userId), id);
  }

  async add(s: SessionRecord, dueAt: number): Promise<void> {
    const fields = {
      id: s.id,
      userId: s.userId,
      conversationId: s.conversationId,
      agent: s.agent,
      transport: s.transport,
      status: s.status,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      endedAt: s.endedAt ?? '',
      connectedAt: s.connectedAt ?? '',
      owner: s.owner,
    };
    await this.redis.addSession(this.sessionKey(s.id), this.slotsKey(s.userId), this.dueKey, s.id, s.expiresAt, dueAt, ...Object.entries(fields).flat());
  }

  async get(id: string): Promise<SessionRecord | null> {
    const h = await this.redis.hgetall(this.sessionKey(id));
    if (!h.id) return null;
    return {
      id: h.id,
      userId: h.userId,
      conversationId: h.conversationId,
      agent: h.agent,
      transport: h.transport as SessionRecord['transport'],
      status: h.status as SessionRecord['status'],
      createdAt: Number(h.createdAt),
      expiresAt: Number(h.expiresAt),
      endedAt: num(h.endedAt),
      connectedAt: num(h.connectedAt),
      owner: h.owner,
    };
  }

  async activeCount(userId: string, now: number): Promise<number> {
    return this.redis.zcount(this.slotsKey(userId), `(${now}`, '+inf');
  }

  async putTicket(hash: string, grant: TicketGrant, expiresAt: number): Promise<void> {
    const stored = await this.redis.putSessionTicket(
      this.sessionKey(grant.sessionId),
      this.ticketKey(hash),
      JSON.stringify({ ...grant, expiresAt }),
      expiresAt,
    );
    if (stored !== 1) throw new Error(`session ${grant.sessionId} is not active: no ticket issued`);
  }

  async redeemTicket(hash: string, now: number): Promise<TicketGrant | null> {
    const value = await this.redis.getdel(this.ticketKey(hash));
    if (value === null) return null;
    const { sessionId, userId, expiresAt } = JSON.parse(value) as TicketGrant & { expiresAt: number };
    // Redis expires the key too; the clock decides to the millisecond, as in memory.
    return now < expiresAt ? { sessionId, userId } : null;
  }

  async connect(id: string, at: number): Promise<boolean> {
    return (await this.redis.connectSession(this.sessionKey(id), this.dueKey, id, at, this.instanceId)) === 1;
  }

  async finish(id: string, endedAt: number): Promise<SessionRecord | null> {
    const session = await this.get(id);
    if (!session) {
      await this.redis.zrem(this.dueKey, id); // forgotten already: nothing is due any more
      return null;
    }
    const ended = await this.redis.finishSession(this.sessionKey(id), this.slotsKey(session.userId), this.dueKey, id, endedAt);
    return ended === 1 ? { ...session, status: 'ended', endedAt } : null;
  }

  onDue(handler: (id: string) => void): void {
    this.dueHandler = handler;
    clearInterval(this.poller);
    // While Redis is unreachable a poll fails (the health check reports it) and the next one tries again.
    this.poller = setInterval(() => void this.pollDue().catch(() => undefined), this.options.duePollMs ?? DUE_POLL_MS);
    this.poller.unref();
  }

  /** One look for sessions that came due, calling the onDue handler with each. */
  async pollDue(): Promise<void> {
    const ids = await this.redis.zrangebyscore(this.dueKey, '-inf', this.clock.now(), 'LIMIT', 0, DUE_BATCH);
    ids.forEach((id) => this.dueHandler(id));
  }

  async announceEnded(event: SessionEnded): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ from: this.instanceId, event }));
  }

  onEndedElsewhere(handler: (event: SessionEnded) => void): void {
    this.endedElsewhere = handler;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  onApplicationShutdown() {
    return this.close();
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    await Promise.all([closeRedisClient(this.subscriber), closeRedisClient(this.redis)]);
  }
}
