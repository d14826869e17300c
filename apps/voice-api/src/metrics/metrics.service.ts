import { Injectable } from '@nestjs/common';
import type { TurnLatency } from '@voice/contracts/persistence';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_MS, LATENCY_STAGES, type CallMetrics, type CallTransport, type TurnFigures } from './call-metrics';

/**
 * voice-api's Prometheus figures on GET /metrics: Node's process metrics, and per call, labelled with
 * the transport it came by, the calls, turns, barge-ins and per-turn latency. Calls in LiveKit job
 * processes reach it through CallMetricsRelay.
 */
@Injectable()
export class MetricsService implements CallMetrics {
  readonly registry = new Registry();
  private readonly started = new Counter({
    name: 'voice_sessions_started_total',
    help: 'Voice calls started, by transport.',
    labelNames: ['transport'],
    registers: [this.registry],
  });
  private readonly active = new Gauge({
    name: 'voice_calls_active',
    help: 'Calls in progress, by transport.',
    labelNames: ['transport'],
    registers: [this.registry],
  });
  private readonly turns = new Counter({
    name: 'voice_turns_total',
    help: 'Finished turns, by role and whether they were interrupted.',
    labelNames: ['role', 'interrupted', 'transport'],
    registers: [this.registry],
  });
  private readonly bargeIns = new Counter({
    name: 'voice_barge_ins_total',
    help: 'Agent replies cut off by the caller.',
    labelNames: ['transport'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'voice_turn_latency_ms',
    help: 'Per-turn latency by pipeline stage, in milliseconds.',
    labelNames: ['stage', 'transport'],
    buckets: LATENCY_BUCKETS_MS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Other modules add gauges they own (the outbox's backlog, for one). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  expose(): Promise<string> {
    return this.registry.metrics();
  }

  callStarted(transport: CallTransport): void {
    this.started.inc({ transport });
    this.active.inc({ transport });
  }

  callEnded(transport: CallTransport): void {
    this.active.dec({ transport });
  }

  turnFinished(transport: CallTransport, turn: TurnFigures): void {
    this.turns.inc({ role: turn.role, interrupted: String(turn.interrupted), transport });
    if (turn.interrupted) this.bargeIns.inc({ transport });
    if (turn.role !== 'agent') return;
    for (const [field, stage] of Object.entries(LATENCY_STAGES) as [keyof TurnLatency, string][]) {
      const value = turn.latency[field];
      if (value !== undefined) this.latency.observe({ stage, transport }, value);
    }
  }
}
