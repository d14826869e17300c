'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useVoiceCall } from '@/hooks/use-voice-call';
import { agentLabel } from '@/lib/conversation-summary';
import type { Turn } from '@/lib/voice/turns';

const STATE_LABEL: Record<string, string> = { idle: 'Idle', connecting: 'Connecting', listening: 'Listening', thinking: 'Thinking', speaking: 'Speaking' };

export function CallPanel() {
  const call = useVoiceCall();
  const [draft, setDraft] = useState('');
  const transcriptEnd = useRef<HTMLLIElement>(null);
  const live = call.status === 'live';
  const state = call.status === 'connecting' ? 'connecting' : call.agentState;

  useEffect(() => {
    transcriptEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [call.turns]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    await call.sendText(text);
  };

  return (
    <section className="call" data-testid="call" data-played-samples={call.playedSamples} aria-label="Voice call">
      <div className="call-bar">
        {live || call.status === 'ending' ? (
          <button type="button" className="danger" onClick={call.end}>
            End call
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void call.start({ audio: true })} disabled={call.status === 'connecting'}>
            Start call
          </button>
        )}
        <button type="button" onClick={() => call.setMuted(!call.muted)} disabled={!live || !call.microphoneOn} aria-pressed={call.muted}>
          {call.muted ? 'Unmute' : 'Mute'}
        </button>
        <label className="inline">
          <span>Microphone</span>
          <select
            value={call.deviceId}
            onChange={(e) => void call.setDeviceId(e.target.value)}
            disabled={call.status === 'connecting' || call.status === 'ending'}
          >
            <option value="">System default</option>
            {call.devices.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <div className="level" aria-hidden="true">
          <div
            className="level-fill"
            data-testid="level-meter"
            data-level={call.level.toFixed(4)}
            style={{ transform: `scaleX(${Math.min(1, call.level * 4)})` }}
          />
        </div>
      </div>

      <div className="call-status" aria-live="polite">
        <span className={`state state-${state}`} data-testid="agent-state">
          {STATE_LABEL[state] ?? state}
        </span>
        <span className="agent">
          with the <strong data-testid="agent-name">{call.agent}</strong>
        </span>
      </div>

      {call.error && (
        <div className="alert" role="alert">
          <span>{call.error}</span>
          <button type="button" className="link" onClick={call.dismissError}>
            Dismiss
          </button>
        </div>
      )}

      <ol className="transcript" data-testid="transcript" aria-label="Transcript">
        {call.turns.length === 0 && <li className="empty">Press “Start call” and say hello, or type a message below.</li>}
        {call.turns.map((t) => (
          <TurnItem key={`${t.role}:${t.turnId}`} turn={t} />
        ))}
        <li ref={transcriptEnd} aria-hidden="true" className="end" />
      </ol>

      <form className="composer" onSubmit={(e) => void submit(e)}>
        <label htmlFor="message" className="sr-only">
          Message
        </label>
        <input
          id="message"
          name="message"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="Type a message"
          autoComplete="off"
          maxLength={2000}
        />
        <button type="submit" className="primary" disabled={!draft.trim() || call.status === 'connecting'}>
          Send
        </button>
      </form>
    </section>
  );
}

function TurnItem({ turn }: { turn: Turn }) {
  return (
    <li className={`turn turn-${turn.role}${turn.final ? '' : ' interim'}`} data-testid="turn" data-role={turn.role} data-final={String(turn.final)}>
      <span className="speaker">{turn.role === 'user' ? 'You' : agentLabel(turn.agent)}</span>
      <span className="words">{turn.text || '…'}</span>
      {turn.interrupted && <span className="tag">interrupted</span>}
      {turn.voiceToVoiceMs !== undefined && (
        <span className="latency" data-testid="turn-latency" title="Voice-to-voice latency">
          {turn.voiceToVoiceMs} ms
        </span>
      )}
    </li>
  );
}
