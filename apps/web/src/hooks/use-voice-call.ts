'use client';

import type { AgentState, ServerEvent } from '@voice/contracts/media';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useMicrophone } from '@/hooks/use-microphone';
import { openLiveKitTransport } from '@/lib/voice/livekit-transport';
import { MicrophoneError } from '@/lib/voice/microphone';
import { createSession, endSession, SessionRefusedError } from '@/lib/voice/sessions';
import { OPEN_TIMEOUT_MS, type CallTransport, type TransportOptions } from '@/lib/voice/transport';
import { callErrorMessage } from '@/lib/voice/server-event';
import { withTranscript, withTurnMetrics, type Turn } from '@/lib/voice/turns';
import { openWebSocketTransport } from '@/lib/voice/websocket-transport';

export type CallStatus = 'idle' | 'connecting' | 'live' | 'ending';

/** One voice call as the page drives it: its state and transcript, the microphone, over the transport voice-api chose. */
export function useVoiceCall() {
  const [status, setStatus] = useState<CallStatus>('idle');
  const [agentState, setAgentState] = useState<AgentState | 'idle'>('idle');
  const [agent, setAgent] = useState('receptionist');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [level, setLevel] = useState(0);
  const [playedSamples, setPlayedSamples] = useState(0);
  const transport = useRef<CallTransport | null>(null);
  const sessionId = useRef<string | null>(null);
  const ready = useRef<Deferred | null>(null);
  const microphone = useMicrophone(transport, setError);
  const { deviceId, callStarted: microphoneStarted, callEnded: microphoneEnded } = microphone;

  const onEvent = useCallback((event: ServerEvent) => {
    switch (event.type) {
      case 'ready':
        setAgent(event.agent);
        ready.current?.resolve();
        return;
      case 'transcript':
        setTurns((all) => withTranscript(all, event));
        return;
      case 'agent_state':
        setAgentState(event.state);
        setAgent(event.agent);
        return;
      case 'turn_metrics':
        setTurns((all) => withTurnMetrics(all, event));
        return;
      case 'error': {
        const message = callErrorMessage(event);
        if (message) setError(message);
        return;
      }
      default:
        return;
    }
  }, []);

  const teardown = useCallback(
    (message?: string) => {
      transport.current?.close();
      transport.current = null;
      ready.current?.reject(new Error(message ?? 'ended'));
      ready.current = null;
      setStatus('idle');
      setAgentState('idle');
      setLevel(0);
      microphoneEnded();
      if (message) setError(message);
    },
    [microphoneEnded],
  );

  const hangUpSession = useCallback(() => {
    const id = sessionId.current;
    sessionId.current = null;
    if (id) endSession(id);
  }, []);

  const start = useCallback(
    async ({ audio }: { audio: boolean }) => {
      if (transport.current || status === 'connecting') return;
      setError(null);
      setStatus('connecting');
      const opened = deferred();
      ready.current = opened;
      try {
        const session = await createSession();
        sessionId.current = session.id;
        setAgent(session.agent);
        const options: TransportOptions = {
          audio,
          deviceId,
          onEvent,
          onLevel: setLevel,
          onPlayed: setPlayedSamples,
          onClosed: (m) => (hangUpSession(), teardown(m)),
        };
        const { connection } = session;
        transport.current =
          connection.type === 'websocket'
            ? await openWebSocketTransport(connection.url, options)
            : await openLiveKitTransport(connection.url, connection.token, options);
        await Promise.race([opened.promise, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), OPEN_TIMEOUT_MS))]);
        // A typed-only call skips the spoken greeting, so the first reply answers what was typed.
        if (audio) transport.current?.send({ type: 'start' });
        setStatus('live');
        setAgentState('listening');
        microphoneStarted(audio);
      } catch (err) {
        hangUpSession();
        const forCaller = err instanceof MicrophoneError || err instanceof SessionRefusedError;
        teardown(forCaller ? err.message : 'The voice service could not be reached. Check your connection and try again.');
      }
    },
    [deviceId, hangUpSession, microphoneStarted, onEvent, status, teardown],
  );

  const end = useCallback(() => {
    if (!transport.current) return;
    setStatus('ending');
    transport.current.send({ type: 'stop' });
    hangUpSession();
    teardown();
  }, [hangUpSession, teardown]);

  const sendText = useCallback(
    async (text: string) => {
      if (!transport.current) await start({ audio: false });
      await ready.current?.promise.catch(() => undefined);
      transport.current?.send({ type: 'text', text });
    },
    [start],
  );

  useEffect(() => {
    return () => transport.current?.close();
  }, []);

  // Leaving the page (reload, closing the tab, another address) ends the call: ask first.
  const inCall = status === 'connecting' || status === 'live';
  useEffect(() => {
    if (!inCall) return;
    const confirmLeave = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', confirmLeave);
    return () => window.removeEventListener('beforeunload', confirmLeave);
  }, [inCall]);

  return {
    status,
    agentState,
    agent,
    turns,
    error,
    level,
    playedSamples,
    muted: microphone.muted,
    microphoneOn: microphone.microphoneOn,
    devices: microphone.devices,
    deviceId,
    setDeviceId: microphone.setDeviceId,
    start,
    end,
    sendText,
    setMuted: microphone.setMuted,
    dismissError: () => setError(null),
  };
}

/** Settled by voice-api's `ready` event, or rejected when the call ends first. */
interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // Nobody may be waiting when a call that never got ready ends.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
