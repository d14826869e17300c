import type { ServerEvent, TranscriptEvent } from '@voice/contracts/media';

export interface Turn {
  turnId: string;
  role: 'user' | 'agent';
  agent?: string;
  text: string;
  final: boolean;
  interrupted?: boolean;
  voiceToVoiceMs?: number;
}

type TurnMetricsEvent = Extract<ServerEvent, { type: 'turn_metrics' }>;

/** The transcript with an event's words: a turn's later event replaces its earlier words, keeping what else it knew (its latency). */
export function withTranscript(turns: Turn[], event: TranscriptEvent): Turn[] {
  const at = turns.findIndex((t) => t.turnId === event.turnId && t.role === event.role);
  const turn: Turn = {
    ...(at >= 0 ? turns[at] : {}),
    turnId: event.turnId,
    role: event.role,
    agent: event.agent,
    text: event.text,
    final: event.final,
    interrupted: event.interrupted,
  };
  return at >= 0 ? turns.map((t, i) => (i === at ? turn : t)) : [...turns, turn];
}

/** The transcript with an agent turn's latency; the metrics may come before the turn's words, so they may start it. */
export function withTurnMetrics(turns: Turn[], event: TurnMetricsEvent): Turn[] {
  const exists = turns.some((t) => t.turnId === event.turnId && t.role === 'agent');
  const metric = { voiceToVoiceMs: event.metrics.voiceToVoiceMs };
  return exists
    ? turns.map((t) => (t.turnId === event.turnId && t.role === 'agent' ? { ...t, ...metric } : t))
    : [...turns, { turnId: event.turnId, role: 'agent', text: '', final: false, ...metric }];
}
