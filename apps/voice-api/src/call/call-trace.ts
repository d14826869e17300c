import { context, metrics, trace, type Context, type Histogram, type Span } from '@opentelemetry/api';
import type { FinishedTurn } from '@voice/agent/pipeline';
import type { TurnLatency } from '@voice/contracts/persistence';
import { LATENCY_BUCKETS_MS, LATENCY_STAGES, type CallTransport } from '../metrics/call-metrics';

const SCOPE = 'voice-api';

let voiceToVoice: Histogram | undefined;
/**
 * Voice-to-voice time per agent turn, exported through OpenTelemetry (App Insights' customMetrics,
 * where an alert reads it by this name). Created on first use: a meter taken before the SDK started
 * would stay a no-op.
 */
const turnLatency = () =>
  (voiceToVoice ??= metrics.getMeter(SCOPE).createHistogram('voice_turn_latency_ms', {
    description: 'Voice-to-voice time of each agent turn: the caller stops speaking until the reply is heard.',
    unit: 'ms',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_MS },
  }));

/**
 * A call's trace: one `voice.call` span from open to release (internal, not a request: its duration
 * is the call's length, which would skew request times), a `voice.turn` child per finished
 * turn with its latency stages as attributes (never its words: a transcript is personal data), and
 * the call's own work (agent and speech provider calls) run inside the call span.
 */
export class CallTrace {
  private readonly span: Span;
  private readonly context: Context;

  constructor(
    private readonly transport: CallTransport,
    ids: { sessionId: string; conversationId: string },
  ) {
    this.span = trace.getTracer(SCOPE).startSpan('voice.call', {
      attributes: { 'voice.transport': transport, 'voice.session_id': ids.sessionId, 'voice.conversation_id': ids.conversationId },
    });
    this.context = trace.setSpan(context.active(), this.span);
  }

  /** Runs `work` inside the call span, so the spans it causes (an LLM request, say) belong to the call. */
  within<T>(work: () => T): T {
    return context.with(this.context, work);
  }

  turn(turn: FinishedTurn, agent: string): void {
    const attributes: Record<string, string | number | boolean> = {
      'voice.transport': this.transport,
      'voice.agent': turn.agent ?? agent,
      'voice.turn.role': turn.role,
      'voice.turn.interrupted': turn.interrupted,
    };
    for (const [field, stage] of Object.entries(LATENCY_STAGES) as [keyof TurnLatency, string][]) {
      const value = turn.latency[field];
      if (value !== undefined) attributes[`voice.latency.${stage}_ms`] = value;
    }
    trace.getTracer(SCOPE).startSpan('voice.turn', { attributes }, this.context).end();
    const ms = turn.latency.voiceToVoiceMs;
    if (turn.role === 'agent' && ms !== undefined) turnLatency().record(ms, { transport: this.transport, agent: turn.agent ?? agent });
  }

  end(reason: string): void {
    this.span.setAttribute('voice.end_reason', reason);
    this.span.end();
  }
}
