import { TurnLatency } from '@voice/contracts/persistence';
import { rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { CallMetrics, CallTransport, TurnFigures } from './call-metrics';

/** Where the relay of the process with this pid listens: a job process finds its worker's by its parent pid. */
export const relayPathFor = (pid: number) => join(tmpdir(), `voice-metrics-${pid}.sock`);

const Transport = z.enum(['websocket', 'livekit', 'phone']) satisfies z.ZodType<CallTransport>;
const Report = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), transport: Transport }),
  z.object({ kind: z.literal('ended'), transport: Transport }),
  z.object({
    kind: z.literal('turn'),
    transport: Transport,
    turn: z.object({ role: z.enum(['user', 'agent']), interrupted: z.boolean(), latency: TurnLatency }),
  }),
]);
type Report = z.infer<typeof Report>;

/**
 * LiveKit runs each call in a job process of its own, out of reach of the process that serves
 * /metrics. The worker's process listens on a Unix socket named after its pid (the job processes'
 * parent pid) and applies what each job reports, one JSON line per event, to its metrics.
 */
export class CallMetricsRelay {
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  static async listen(sink: CallMetrics, onInvalid: (problem: string) => void = () => undefined, path = relayPathFor(process.pid)): Promise<CallMetricsRelay> {
    // A socket file left by an earlier process with this pid is stale: pids are unique among live processes.
    await rm(path, { force: true });
    const server = createServer();
    const relay = new CallMetricsRelay(path, server);
    server.on('connection', (socket) => {
      relay.sockets.add(socket);
      socket.on('close', () => relay.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      createInterface({ input: socket }).on('line', (line) => {
        const report = parse(line);
        if (report) apply(sink, report);
        else onInvalid('a job process sent a metrics line that is not a call report; ignored');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return relay;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }
}

function parse(line: string): Report | undefined {
  try {
    const parsed = Report.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function apply(sink: CallMetrics, report: Report) {
  if (report.kind === 'started') sink.callStarted(report.transport);
  else if (report.kind === 'ended') sink.callEnded(report.transport);
  else sink.turnFinished(report.transport, report.turn);
}

/**
 * A job process's CallMetrics: each report goes to the parent's relay. Metrics are best-effort: with
 * no relay (a job started by hand) or a broken connection, reports are dropped, never the call.
 */
export class RelayedCallMetrics implements CallMetrics {
  private socket?: Socket;

  constructor(path = relayPathFor(process.ppid)) {
    this.socket = createConnection(path);
    this.socket.on('error', () => {
      this.socket?.destroy();
      this.socket = undefined;
    });
    this.socket.unref();
  }

  callStarted(transport: CallTransport): void {
    this.send({ kind: 'started', transport });
  }

  callEnded(transport: CallTransport): void {
    this.send({ kind: 'ended', transport });
  }

  turnFinished(transport: CallTransport, { role, interrupted, latency }: TurnFigures): void {
    this.send({ kind: 'turn', transport, turn: { role, interrupted, latency } });
  }

  /** Sends what is queued, then disconnects. */
  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    return new Promise((resolve) => (socket && !socket.destroyed ? socket.end(resolve) : resolve()));
  }

  private send(report: Report) {
    this.socket?.write(`${JSON.stringify(report)}\n`);
  }
}
