import type { TurnLatency } from '@voice/contracts/persistence';
import type { FinishedTurn } from '@voice/agent/pipeline';

/** The transports a call arrives by: a metrics label. */
/** Histogram buckets of every per-turn latency, Prometheus's and OpenTelemetry's alike. */
export const LATENCY_BUCKETS_MS = [25, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 10000];
/** The name of each latency stage in metrics and span attributes. */
export const LATENCY_STAGES: Record<keyof TurnLatency, string> = {
  endOfUtteranceMs: 'end_of_utterance',
  sttMs: 'stt',
  llmFirstTokenMs: 'llm_first_token',
  ttsFirstByteMs: 'tts_first_byte',
  voiceToVoiceMs: 'voice_to_voice',
};

export type CallTransport = 'websocket' | 'livekit' | 'phone';

/** What the metrics read of a finished turn (its words stay out of them). */
export type TurnFigures = Pick<FinishedTurn, 'role' | 'interrupted' | 'latency'>;

/** What a call reports for /metrics: MetricsService in voice-api, a relay to it in a LiveKit job process. */
export interface CallMetrics {
  callStarted(transport: CallTransport): void;
  callEnded(transport: CallTransport): void;
  turnFinished(transport: CallTransport, turn: TurnFigures): void;
}
