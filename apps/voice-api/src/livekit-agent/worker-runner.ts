import { AgentServer, InferenceRunner, initializeLogger, ServerOptions, type JobRequest } from '@livekit/agents';
import type { VoiceApiConfig } from '@voice/config/voice-api';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallMetrics } from '../metrics/call-metrics';
import { domainAgentNames } from '../domain';
import { CallMetricsRelay } from '../metrics/call-metrics-relay';
import { parseJobMetadata } from './job-metadata';

/** The compiled job entry beside this file; job processes load it by path. */
export const AGENT_ENTRY_PATH = join(__dirname, 'agent-entry.js');
/** Display name of the agent's participant in the room. */
export const AGENT_PARTICIPANT_NAME = 'Clinic agent';
/** LiveKit's own end-of-turn model (inference/eot/runner in @livekit/agents 1.9.0). */
const EOT_INFERENCE_METHOD = 'lk_eot_audio';

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LiveKitWorkerOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The name rooms dispatch to (LIVEKIT_AGENT_NAME). */
  agentName: string;
  /** Level of the agents framework's own logs (LOG_LEVEL). */
  logLevel?: string;
  /** The job entry's compiled JavaScript; tests point it at a fixture. */
  agentPath?: string;
  /** Job processes kept warm for the next call: faster pick-up, one more Node process each. */
  idleProcesses?: number;
  /** Load (0–1, CPU by default) at which the worker tells LiveKit to send jobs elsewhere. */
  loadThreshold?: number;
  log: WorkerLog;
  /** Where the calls of the job processes are counted (voice-api's /metrics); none: not counted. */
  metrics?: CallMetrics;
}

/** The worker's settings from voice-api's configuration; throws naming the variables when LiveKit is not configured. */
export function workerOptionsFromConfig(config: VoiceApiConfig, log: WorkerLog): LiveKitWorkerOptions {
  if (!config.livekit) {
    const missing = (['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const).filter((k) => !config[k]);
    throw new Error(`the LiveKit agents worker needs ${missing.join(', ')} (all three LiveKit variables)`);
  }
  return {
    ...config.livekit,
    agentName: config.LIVEKIT_AGENT_NAME,
    logLevel: config.LOG_LEVEL,
    idleProcesses: config.NODE_ENV === 'production' ? 1 : 0,
    log,
  };
}

/**
 * A LiveKit agents worker: registers `agentName` with LiveKit over its agent WebSocket, answers
 * job offers and runs every accepted job in a child process (agent-entry.js). LiveKit balances jobs
 * across every voice-api instance running one. It reconnects for as long as it runs, so a LiveKit
 * outage costs calls, not the worker.
 */
export class LiveKitWorker {
  private server?: AgentServer;
  private relay?: Promise<CallMetricsRelay | undefined>;
  private running?: Promise<void>;
  private readonly workerId: Promise<string>;
  private resolveWorkerId: (id: string) => void = () => undefined;

  constructor(private readonly o: LiveKitWorkerOptions) {
    this.workerId = new Promise((resolve) => (this.resolveWorkerId = resolve));
  }

  /** Starts connecting in the background. Throws only when the job entry has not been built. */
  start(): void {
    if (this.server) return;
    const agent = this.o.agentPath ?? AGENT_ENTRY_PATH;
    if (!existsSync(agent)) throw new Error(`the LiveKit agent entry ${agent} does not exist: build voice-api first (npx nx build voice-api)`);
    initializeLogger({ pretty: false, level: this.o.logLevel ?? 'info' });
    skipTurnDetectorModel();
    const server = new AgentServer(
      new ServerOptions({
        agent,
        agentName: this.o.agentName,
        requestFunc: jobRequestHandler(this.o.log),
        wsURL: this.o.url,
        apiKey: this.o.apiKey,
        apiSecret: this.o.apiSecret,
        numIdleProcesses: this.o.idleProcesses ?? 0,
        loadThreshold: this.o.loadThreshold ?? 0.7,
        maxRetry: Number.MAX_SAFE_INTEGER,
        shutdownProcessTimeout: 10_000,
        // The framework's own health server: voice-api has /health, so keep it private, on any free port.
        host: '127.0.0.1',
        port: 0,
        logLevel: this.o.logLevel ?? 'info',
      }),
    );
    server.event.on('worker_registered', (id: string) => {
      this.o.log.info(`registered with LiveKit as worker ${id} for agent "${this.o.agentName}"`);
      this.resolveWorkerId(id);
    });
    this.server = server;
    this.relay = this.relayMetrics();
    this.running = this.relay
      .then(() => server.run())
      .catch((err: unknown) => this.o.log.error(`the LiveKit agents worker stopped: ${(err as Error).message}`));
  }

  /** Resolves with LiveKit's id for this worker once it has registered. */
  registered(): Promise<string> {
    return this.workerId;
  }

  /** Settles when the worker has stopped: after stop(), or on a failure it cannot recover from (logged). */
  stopped(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Ends running jobs (each stores its transcript) and disconnects. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await server.close();
    await this.running;
    await (await this.relay)?.close();
  }

  /** Listening before any job process is forked, so each finds it (at its parent pid's path) from its first report. */
  private async relayMetrics(): Promise<CallMetricsRelay | undefined> {
    if (!this.o.metrics) return undefined;
    try {
      return await CallMetricsRelay.listen(this.o.metrics, (problem) => this.o.log.warn(problem));
    } catch (err) {
      this.o.log.warn(`LiveKit calls will be missing from /metrics: the metrics relay did not start (${(err as Error).message})`);
      return undefined;
    }
  }
}

/** Accepts the jobs dispatched by POST /v1/sessions; declines any whose metadata is not a session's, so no agent joins for it. */
export function jobRequestHandler(log: WorkerLog): (request: JobRequest) => Promise<void> {
  return async (request) => {
    const parsed = parseJobMetadata(request.job.metadata, domainAgentNames);
    if (!parsed.ok) {
      log.error(`declined LiveKit job ${request.id} in room ${request.room?.name ?? '(none)'}: ${parsed.problem}`);
      await request.reject();
      return;
    }
    await request.accept(AGENT_PARTICIPANT_NAME);
  };
}

/**
 * The agents framework starts an inference process for LiveKit's end-of-turn model as soon as the
 * model's native binding loads (about 330 MB resident, measured). Our pipeline detects turns
 * itself, so that model is marked registered without being listed: the worker then neither
 * registers it nor finds any runner to start a process for.
 */
function skipTurnDetectorModel() {
  const runners = InferenceRunner.registeredRunners;
  if (EOT_INFERENCE_METHOD in runners) return;
  Object.defineProperty(runners, EOT_INFERENCE_METHOD, { value: 'skipped: voice-api detects turns itself', enumerable: false });
}
