import { Job, JobType, ServerMessage, WorkerMessage } from '@livekit/protocol';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DispatchMetadata } from '../sessions/livekit-rooms';
import type { CallTransport } from '../metrics/call-metrics';
import { AGENT_PARTICIPANT_NAME, LiveKitWorker } from './worker-runner';

const API_KEY = 'APItestkey';
const API_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const AGENT_NAME = 'clinic-agent-test';

type Sent = WorkerMessage['message'];
type Case = NonNullable<Sent['case']>;
type ValueOf<C extends Case> = Extract<Sent, { case: C }>['value'];

/**
 * A stand-in for LiveKit's agent service at /agent, speaking its worker protocol: binary protobuf
 * WorkerMessage from the worker, ServerMessage back (livekit/protocol, livekit_agent.proto).
 */
class FakeAgentService {
  readonly connections: { path: string; authorization?: string; socket: WebSocket }[] = [];
  private readonly received: Sent[] = [];
  private waiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });

  async url(): Promise<string> {
    await new Promise<void>((resolve) => (this.wss.address() ? resolve() : this.wss.once('listening', () => resolve())));
    const address = this.wss.address();
    if (!address || typeof address === 'string') throw new Error('expected a TCP address');
    this.wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
      this.connections.push({ path: req.url ?? '', authorization: req.headers.authorization, socket });
      socket.on('message', (data: Buffer) => {
        this.received.push(WorkerMessage.fromBinary(new Uint8Array(data)).message);
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    return `ws://127.0.0.1:${address.port}`;
  }

  /** The next message of this kind from the worker (load updates in between are skipped). */
  async next<C extends Case>(kind: C): Promise<ValueOf<C>> {
    for (;;) {
      const at = this.received.findIndex((m) => m.case === kind);
      if (at >= 0) {
        const [message] = this.received.splice(0, at + 1).slice(-1);
        return message.value as ValueOf<C>;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  send(message: ServerMessage) {
    this.connections[this.connections.length - 1].socket.send(message.toBinary());
  }

  close() {
    for (const { socket } of this.connections) socket.terminate();
    return new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** A job entry with no dependencies: writes what its job process was given, then ends the job. */
function writeFixtureAgent(dir: string): { path: string; output: string } {
  const output = join(dir, 'job.json');
  const path = join(dir, 'fixture-agent.cjs');
  writeFileSync(
    path,
    `const { writeFileSync } = require('node:fs');
const { createConnection } = require('node:net');
const agent = {
  entry: async (ctx) => {
    const { job, url, token, acceptArguments } = ctx.info;
    writeFileSync(${JSON.stringify(output)}, JSON.stringify({ pid: process.pid, jobId: job.id, metadata: job.metadata, url, token, identity: acceptArguments.identity }));
    // A call's first report, as RelayedCallMetrics sends it, to its parent's relay (metrics/call-metrics-relay.ts).
    const relay = createConnection(require('node:path').join(require('node:os').tmpdir(), 'voice-metrics-' + process.ppid + '.sock'));
    await new Promise((resolve) => relay.end('{"kind":"started","transport":"livekit"}\\n', resolve));
    ctx.shutdown('fixture done');
  },
};
agent[Symbol.for('livekit.agents.AgentDefinition')] = true; // what defineAgent() marks
module.exports = { default: agent };
`,
  );
  return { path, output };
}

const roomJob = (id: string, metadata: string) =>
  new Job({ id, dispatchId: `AD_${id}`, type: JobType.JT_ROOM, agentName: AGENT_NAME, metadata, room: { sid: `RM_${id}`, name: `session-${id}` } });

/** The file's JSON once it has been written whole. */
function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const waitFor = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
};

describe("LiveKit agents worker (protocol test against a local server speaking LiveKit's agent worker protocol)", () => {
  jest.setTimeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'livekit-worker-'));
  const fixture = writeFixtureAgent(dir);
  const service = new FakeAgentService();
  const logs: string[] = [];
  const callsStarted: CallTransport[] = [];
  let worker: LiveKitWorker;
  const metadata = { sessionId: randomUUID(), conversationId: randomUUID(), userId: randomUUID() } satisfies DispatchMetadata;

  beforeAll(async () => {
    worker = new LiveKitWorker({
      url: await service.url(),
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      agentName: AGENT_NAME,
      agentPath: fixture.path,
      logLevel: 'error',
      log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      metrics: { callStarted: (transport) => void callsStarted.push(transport), callEnded: () => undefined, turnFinished: () => undefined },
    });
    worker.start();
  });

  afterAll(async () => {
    await worker.stop();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects to <LIVEKIT_URL>/agent with a bearer JWT signed by the API secret that carries the agent grant', async () => {
    await waitFor(() => service.connections.length > 0);
    const { path, authorization } = service.connections[0];
    expect(path).toBe('/agent');
    expect(authorization).toMatch(/^Bearer /);
    const { payload, protectedHeader } = await jwtVerify((authorization ?? '').slice('Bearer '.length), new TextEncoder().encode(API_SECRET), {
      issuer: API_KEY,
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload['video']).toMatchObject({ agent: true });
    await expect(jwtVerify((authorization ?? '').slice('Bearer '.length), new TextEncoder().encode(`${API_SECRET}x`))).rejects.toThrow();
  });

  it('registers as a room worker under our agent name, and learns its worker id from the answer', async () => {
    const register = await service.next('register');
    expect(register).toMatchObject({ type: JobType.JT_ROOM, agentName: AGENT_NAME });
    expect(register.allowedPermissions).toMatchObject({ agent: true, canPublish: true, canSubscribe: true, canPublishData: true, hidden: false });

    service.send(new ServerMessage({ message: { case: 'register', value: { workerId: 'AW_test1', serverInfo: { version: '1.9.0' } } } }));

    await expect(worker.registered()).resolves.toBe('AW_test1');
  });

  it("starts no inference process for LiveKit's own turn model (the pipeline detects turns itself)", async () => {
    await worker.registered();
    expect(execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })).not.toContain('inference_proc');
  });

  it("accepts an AvailabilityRequest for a session's job, joining as the clinic agent", async () => {
    service.send(new ServerMessage({ message: { case: 'availability', value: { job: roomJob('AJ_good', JSON.stringify(metadata)) } } }));

    const answer = await service.next('availability');

    expect(answer).toMatchObject({
      jobId: 'AJ_good',
      available: true,
      participantIdentity: 'agent-AJ_good',
      participantName: AGENT_PARTICIPANT_NAME,
      participantAttributes: { 'lk.agent.name': AGENT_NAME },
    });
  });

  it('runs the assigned job in a job process of its own, with the job, its metadata and the room token', async () => {
    service.send(
      new ServerMessage({
        message: { case: 'assignment', value: { job: roomJob('AJ_good', JSON.stringify(metadata)), url: 'ws://127.0.0.1:9', token: 'room-token' } },
      }),
    );

    let ran: Record<string, unknown> | undefined;
    await waitFor(() => (ran = readJson(fixture.output)) !== undefined);
    expect(ran).toEqual({
      pid: expect.any(Number),
      jobId: 'AJ_good',
      metadata: JSON.stringify(metadata),
      url: 'ws://127.0.0.1:9',
      token: 'room-token',
      identity: 'agent-AJ_good',
    });
    expect(ran?.['pid']).not.toBe(process.pid);
  });

  it("counts the job process's call in the worker's metrics, through the relay of its parent process", async () => {
    await waitFor(() => callsStarted.length > 0);
    expect(callsStarted).toEqual(['livekit']);
  });

  it.each([
    ['no metadata', ''],
    ['metadata that is not JSON', 'session=1'],
    ['metadata without a conversation', JSON.stringify({ sessionId: randomUUID(), userId: 'u1' })],
    ['an unknown starting agent', JSON.stringify({ ...metadata, agent: 'janitor' })],
  ])('declines a job with %s, so no agent joins for it', async (_what, raw) => {
    const id = `AJ_bad_${randomUUID().slice(0, 6)}`;
    service.send(new ServerMessage({ message: { case: 'availability', value: { job: roomJob(id, raw) } } }));

    const answer = await service.next('availability');

    expect(answer).toMatchObject({ jobId: id, available: false });
    expect(logs.at(-1)).toContain(`declined LiveKit job ${id} in room session-${id}`);
  });

  it('reconnects and registers again when LiveKit drops the connection', async () => {
    service.connections[0].socket.terminate();

    await waitFor(() => service.connections.length > 1);
    expect(service.connections[1].path).toBe('/agent');
    await expect(service.next('register')).resolves.toMatchObject({ agentName: AGENT_NAME });
  });

  it('disconnects from LiveKit on stop', async () => {
    const socket = service.connections[service.connections.length - 1].socket;
    service.send(new ServerMessage({ message: { case: 'register', value: { workerId: 'AW_test2' } } }));

    await worker.stop();

    await waitFor(() => socket.readyState === socket.CLOSED);
  });
});
