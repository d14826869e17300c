import { withTranscript, withTurnMetrics, type Turn } from './turns';

describe('withTranscript', () => {
  it('adds a turn, then replaces its words with later ones of the same turn and role', () => {
    let turns = withTranscript([], { type: 'transcript', turnId: 't1', role: 'user', text: 'i would', final: false });
    turns = withTranscript(turns, { type: 'transcript', turnId: 't1', role: 'agent', agent: 'receptionist', text: 'Hello', final: true });
    turns = withTranscript(turns, { type: 'transcript', turnId: 't1', role: 'user', text: 'I would like an appointment', final: true });
    expect(turns).toEqual([
      { turnId: 't1', role: 'user', text: 'I would like an appointment', final: true },
      { turnId: 't1', role: 'agent', agent: 'receptionist', text: 'Hello', final: true },
    ]);
  });

  it('keeps the latency an agent turn already had', () => {
    const turns: Turn[] = [{ turnId: 't2', role: 'agent', text: '', final: false, voiceToVoiceMs: 640 }];
    const next = withTranscript(turns, {
      type: 'transcript',
      turnId: 't2',
      role: 'agent',
      agent: 'scheduler',
      text: 'Tuesday works',
      final: true,
      interrupted: true,
    });
    expect(next).toEqual([{ turnId: 't2', role: 'agent', agent: 'scheduler', text: 'Tuesday works', final: true, interrupted: true, voiceToVoiceMs: 640 }]);
  });
});

describe('withTurnMetrics', () => {
  it("sets the agent turn's latency, leaving the caller's turn of the same id alone", () => {
    const turns: Turn[] = [
      { turnId: 't3', role: 'user', text: 'hi', final: true },
      { turnId: 't3', role: 'agent', text: 'Hello', final: true },
    ];
    expect(withTurnMetrics(turns, { type: 'turn_metrics', turnId: 't3', metrics: { voiceToVoiceMs: 812 } })).toEqual([
      { turnId: 't3', role: 'user', text: 'hi', final: true },
      { turnId: 't3', role: 'agent', text: 'Hello', final: true, voiceToVoiceMs: 812 },
    ]);
  });

  it('starts the agent turn when the metrics come before its words', () => {
    expect(withTurnMetrics([], { type: 'turn_metrics', turnId: 't4', metrics: { voiceToVoiceMs: 700 } })).toEqual([
      { turnId: 't4', role: 'agent', text: '', final: false, voiceToVoiceMs: 700 },
    ]);
  });
});
