import { AgentRunner, GREETING, type AgentName } from '@voice/agent/agents';
import { VoiceSession, type FinishedTurn } from '@voice/agent/pipeline';
import type { SpeechToText } from '@voice/agent/stt';
import type { VoiceActivityDetector } from '@voice/agent/vad';
import type { VoiceApiConfig } from '@voice/config/voice-api';
import { VoiceProviders } from '../media/voice-providers';
import { ProcessOutboxes } from '../outbox/process-outboxes';
import type { OutboxLogger } from '../outbox/transcript-outbox';
import { PERSISTENCE_TIMEOUT_MS } from '../persistence/persistence.module';
import { PersistenceClient } from '../persistence/persistence-client';
import { PersistenceClinic } from '../persistence/persistence-clinic';
import type { DispatchMetadata } from '../sessions/livekit-rooms';
import type { LiveKitBridge } from './livekit-bridge';

/** The logger a job has (LiveKit's pino logger fits). */
export interface JobLog {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export interface ClinicCallOptions {
  config: VoiceApiConfig;
  metadata: DispatchMetadata;
  agent?: AgentName;
  log: JobLog;
}

/**
 * One LiveKit call's pipeline, built from env inside the job process (LiveKit runs each job in a
 * child process, out of reach of Nest's DI): the same providers, agent runner and durable outbox
 * as the WebSocket gateway.
 */
export class ClinicCall {
  private session?: VoiceSession;
  private runner?: AgentRunner;
  private bridge?: LiveKitBridge;
  private stt?: SpeechToText;
  private vad?: VoiceActivityDetector;
  private ended = false;
  private closing?: Promise<void>;

  private constructor(
    private readonly o: ClinicCallOptions,
    private readonly clinic: PersistenceClinic,
    private readonly providers: VoiceProviders,
    private readonly outboxes: ProcessOutboxes,
  ) {}

  /** Claims this process's outbox directory (replaying orphans found there) and sets up the providers. */
  static async open(o: ClinicCallOptions): Promise<ClinicCall> {
    const { config } = o;
    const client = new PersistenceClient({
      baseUrl: config.PERSISTENCE_API_URL,
      clientId: config.VOICE_API_CLIENT_ID,
      clientSecret: config.VOICE_API_CLIENT_SECRET,
      timeoutMs: PERSISTENCE_TIMEOUT_MS,
    });
    const clinic = new PersistenceClinic(client);
    const providers = new VoiceProviders(config, clinic);
    try {
      const outboxes = await ProcessOutboxes.open(config.DATA_DIR, client, outboxLogger(o.log));
      const adopted = outboxes.replays.length;
      if (adopted) o.log.info({ adopted }, 'replaying transcripts an earlier job left undelivered');
      return new ClinicCall(o, clinic, providers, outboxes);
    } catch (err) {
      await providers.onApplicationShutdown().catch(() => undefined);
      throw err;
    }
  }

  /** Builds the pipeline on the bridge: caller audio and messages reach it from now on. */
  async attach(bridge: LiveKitBridge): Promise<void> {
    const { config, metadata, log } = this.o;
    const [stt, vad] = await Promise.all([this.providers.createStt(), this.providers.createVad()]);
    if (this.ended || this.closing) {
      await Promise.allSettled([stt.close(), vad.close()]);
      return;
    }
    this.bridge = bridge;
    this.stt = stt;
    this.vad = vad;
    this.runner = new AgentRunner({
      llm: this.providers.llm,
      ctx: { clinic: this.clinic, caller: { userId: metadata.userId }, timezone: config.CLINIC_TIMEZONE, now: () => new Date() },
      agent: this.o.agent,
      log,
    });
    this.session = new VoiceSession({
      stt,
      vad,
      tts: this.providers.tts,
      runner: this.runner,
      vadThreshold: config.VAD_THRESHOLD,
      endOfUtteranceMs: config.END_OF_UTTERANCE_SILENCE_MS,
      greeting: GREETING,
      sendAudio: (frame) => bridge.sendAudio(frame),
      sendEvent: (event) => bridge.sendEvent(event),
      onTurn: (turn) => this.store(turn),
      log,
    });
    bridge.attach(this.session);
  }

  /** Tells the browser the call is ready, greets the caller and starts listening. */
  begin(): void {
    if (!this.session || !this.runner || !this.bridge || this.ended || this.closing) return;
    const { sessionId, conversationId } = this.o.metadata;
    this.bridge.sendEvent({ type: 'ready', sessionId, conversationId, agent: this.runner.agent });
    this.session.start();
  }

  /** The call is over for good (the caller left or hung up, or time ran out): ends the conversation. */
  async end(reason: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.o.log.info({ reason }, 'call ended');
    await this.session?.stop();
    await this.outboxes.own
      .enqueueEnd(this.o.metadata.conversationId)
      .catch((err: unknown) => this.o.log.error({ err: (err as Error).message }, 'could not queue the end of the conversation'));
  }

  /**
   * Leaves without ending the conversation (the room went away, or the worker is shutting down and
   * LiveKit may hand the job to another worker): stores what was said, delivers what it can.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown() {
    await this.session?.stop();
    await this.bridge?.close();
    await Promise.allSettled([this.stt?.close(), this.vad?.close(), this.providers.onApplicationShutdown()]);
    const pending = await this.outboxes.close();
    if (pending) this.o.log.warn({ pending }, 'transcripts left on disk; the next LiveKit job on this DATA_DIR delivers them');
  }

  private store(turn: FinishedTurn) {
    const { id, role, agent, text, interrupted, latency, createdAt } = turn;
    this.outboxes.own
      .enqueueTurn(this.o.metadata.conversationId, { id, role, agent, text, interrupted, latency, createdAt })
      .catch((err: unknown) => this.o.log.error({ err: (err as Error).message }, 'could not queue a turn for storage'));
  }
}

function outboxLogger(log: JobLog): OutboxLogger {
  const split = (entry: object) => {
    const { msg, ...data } = entry as { msg?: unknown };
    return [data, typeof msg === 'string' ? msg : 'transcript outbox'] as const;
  };
  return {
    log: (entry) => log.info(...split(entry)),
    warn: (entry) => log.warn(...split(entry)),
    error: (entry) => log.error(...split(entry)),
  };
}
