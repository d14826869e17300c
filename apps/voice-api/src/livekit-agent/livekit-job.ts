import type { VoiceApiConfig } from '@voice/config/voice-api';
import type { CallPort } from '../call/call-port';
import { VoiceCall, type CallLog, type CallSetup } from '../call/voice-call';
import { VoiceProviders } from '../call/voice-providers';
import { createCallDomain } from '../domain';
import { RelayedCallMetrics } from '../metrics/call-metrics-relay';
import { ProcessOutboxes } from '../outbox/process-outboxes';
import type { OutboxLogger } from '../outbox/transcript-outbox';
import { persistenceClientFor } from '../persistence/persistence.module';

/**
 * What a LiveKit job process needs to run its call, built from env: LiveKit runs each job in a child
 * process, out of reach of Nest's DI. The same call builder as the WebSocket transport, with this
 * process's own outbox directory and its metrics relayed to the worker's process.
 */
export class LiveKitJob {
  private constructor(
    private readonly config: VoiceApiConfig,
    private readonly providers: VoiceProviders,
    private readonly outboxes: ProcessOutboxes,
    private readonly metrics: RelayedCallMetrics,
    private readonly log: CallLog,
  ) {}

  /** Claims this process's outbox directory (replaying orphans found there) and sets up the providers. */
  static async open(config: VoiceApiConfig, log: CallLog, metrics = new RelayedCallMetrics()): Promise<LiveKitJob> {
    const persistence = persistenceClientFor(config);
    const domain = createCallDomain(config, persistence, log);
    const providers = new VoiceProviders(config, domain);
    try {
      const outboxes = await ProcessOutboxes.open(config.DATA_DIR, persistence, outboxLogger(log));
      const adopted = outboxes.replays.length;
      if (adopted) log.info({ adopted }, 'replaying transcripts an earlier job left undelivered');
      return new LiveKitJob(config, providers, outboxes, metrics, log);
    } catch (err) {
      await Promise.allSettled([providers.onApplicationShutdown(), metrics.close()]);
      throw err;
    }
  }

  get domain() {
    return this.providers.domain;
  }

  openCall(setup: Omit<CallSetup, 'transport' | 'log' | 'endConversation'>, port: CallPort): Promise<VoiceCall> {
    const deps = { config: this.config, providers: this.providers, domain: this.providers.domain, outbox: this.outboxes.own, metrics: this.metrics };
    return VoiceCall.open(deps, { ...setup, transport: 'livekit', log: this.log, endConversation: () => this.endConversation(setup.conversationId) }, port);
  }

  /** Queues the conversation's end (also when the call never got going). */
  endConversation(conversationId: string): Promise<void> {
    return this.outboxes.own.enqueueEnd(conversationId);
  }

  /** Delivers what it can, leaves the rest on disk for the next job on this DATA_DIR, and lets go of everything. */
  async close(): Promise<void> {
    await Promise.allSettled([this.providers.onApplicationShutdown(), this.metrics.close()]);
    const pending = await this.outboxes.close();
    if (pending) this.log.warn({ pending }, 'transcripts left on disk; the next LiveKit job on this DATA_DIR delivers them');
  }
}

function outboxLogger(log: CallLog): OutboxLogger {
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
