import type { FinishedTurn } from '@voice/agent/pipeline';

/** The transports a call arrives by: a metrics label. */
export type CallTransport = 'websocket' | 'livekit';

/** What the metrics read of a finished turn (its words stay out of them). */
export type TurnFigures = Pick<FinishedTurn, 'role' | 'interrupted' | 'latency'>;

/** What a call reports for /metrics: MetricsService in voice-api, a relay to it in a LiveKit job process. */
export interface CallMetrics {
  callStarted(transport: CallTransport): void;
  callEnded(transport: CallTransport): void;
  turnFinished(transport: CallTransport, turn: TurnFigures): void;
}
