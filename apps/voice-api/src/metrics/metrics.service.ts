import { Injectable } from '@nestjs/common';
import type { TurnMetrics } from '@voice/contracts/media';
import { Counter, Gauge, Histogram, Registry } from './prometheus';

const LATENCY_BUCKETS_MS = [25, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 10000];
const STAGES: Record<keyof TurnMetrics, string> = {
  endOfUtteranceMs: 'end_of_utterance',
  sttMs: 'stt',
  llmFirstTokenMs: 'llm_first_token',
  ttsFirstByteMs: 'tts_first_byte',
  voiceToVoiceMs: 'voice_to_voice',
};

/** Per-turn latency and session counters, exposed on GET /metrics. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly turnLatency = this.registry.register(
    new Histogram('voice_turn_latency_ms', 'Per-turn latency by pipeline stage, in milliseconds.', LATENCY_BUCKETS_MS),
  );
  readonly sessionsStarted = this.registry.register(new Counter('voice_sessions_started_total', 'Voice sessions started, by transport.'));
  readonly turns = this.registry.register(new Counter('voice_turns_total', 'Finished turns, by role and whether they were interrupted.'));
  readonly bargeIns = this.registry.register(new Counter('voice_barge_ins_total', 'Agent replies cut off by the caller.'));
  private activeMedia = 0;

  constructor() {
    this.registry.register(new Gauge('voice_media_connections', 'Open WebSocket media connections.', () => this.activeMedia));
  }

  /** Other modules add gauges they own (the outbox's backlog, for one). */
  gauge(name: string, help: string, read: () => number): void {
    this.registry.register(new Gauge(name, help, read));
  }

  observeTurn(metrics: TurnMetrics): void {
    for (const [field, stage] of Object.entries(STAGES) as [keyof TurnMetrics, string][]) {
      const value = metrics[field];
      if (value !== undefined) this.turnLatency.observe(value, { stage });
    }
  }

  mediaOpened(): void {
    this.activeMedia++;
  }

  mediaClosed(): void {
    this.activeMedia--;
  }
}
