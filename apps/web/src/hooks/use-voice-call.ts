'use client';

import { LIVEKIT_CONTROL_TOPIC, LIVEKIT_EVENTS_TOPIC, MEDIA_SAMPLE_RATE, type AgentState, type ClientMessage, type ServerEvent } from '@voice/contracts/media';
import type { CreateSessionResponse } from '@voice/contracts/voice';
import { useCallback, useEffect, useRef, useState } from 'react';

export type CallStatus = 'idle' | 'connecting' | 'live' | 'ending';

export interface Turn {
  turnId: string;
  role: 'user' | 'agent';
  agent?: string;
  text: string;
  final: boolean;
  interrupted?: boolean;
  voiceToVoiceMs?: number;
}

/** What the page needs to drive one call: transport, microphone, playback, transcript. */
interface Media {
  send(message: ClientMessage): void;
  close(): void;
  setMuted(muted: boolean): void;
  /** Moves capture to another microphone ('' = the system default) without ending the call. */
  switchMicrophone(deviceId: string): Promise<void>;
}

const OPEN_TIMEOUT_MS = 10_000;

function micError(err: unknown): string {
  const name = (err as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone access was denied. Allow it in your browser’s site settings, or type a message instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Plug one in and choose it below, or type a message instead.';
  return 'The microphone could not be started. Check that no other app is using it, or type a message instead.';
}

export function useVoiceCall() {
  const [status, setStatus] = useState<CallStatus>('idle');
  const [agentState, setAgentState] = useState<AgentState | 'idle'>('idle');
  const [agent, setAgent] = useState('receptionist');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [level, setLevel] = useState(0);
  const [playedSamples, setPlayedSamples] = useState(0);
  const [muted, setMutedState] = useState(false);
  const [microphoneOn, setMicrophoneOn] = useState(false);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceIdState] = useState<string>('');
  const media = useRef<Media | null>(null);
  const mutedRef = useRef(false);
  const sessionId = useRef<string | null>(null);
  const ready = useRef<{ promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | null>(null);

  // The microphones by name. Until the microphone permission is granted, browsers list at most
  // one nameless input, so the list fills once it is (at load if it already was, else with the
  // first call) and follows devices being plugged in or out. "default"/"communications" are
  // aliases of a real device; the "System default" choice stands for them.
  const refreshDevices = useCallback(async () => {
    const all = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    const inputs = all.filter((d) => d.kind === 'audioinput' && d.deviceId && d.label && d.deviceId !== 'default' && d.deviceId !== 'communications');
    setDevices(inputs);
    // A chosen microphone that was unplugged: back to the system default.
    setDeviceIdState((current) => (current && !inputs.some((d) => d.deviceId === current) ? '' : current));
  }, []);
  useEffect(() => {
    const devicesApi = navigator.mediaDevices;
    if (!devicesApi) return;
    const refresh = () => void refreshDevices();
    refresh();
    devicesApi.addEventListener('devicechange', refresh);
    let permission: PermissionStatus | undefined;
    let gone = false;
    navigator.permissions
      ?.query({ name: 'microphone' as PermissionName })
      .then((status) => {
        if (gone) return;
        permission = status;
        status.addEventListener('change', refresh);
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      devicesApi.removeEventListener('devicechange', refresh);
      permission?.removeEventListener('change', refresh);
    };
  }, [refreshDevices]);

  const onEvent = useCallback((event: ServerEvent) => {
    switch (event.type) {
      case 'ready':
        setAgent(event.agent);
        ready.current?.resolve();
        return;
      case 'transcript':
        setTurns((all) => {
          const at = all.findIndex((t) => t.turnId === event.turnId && t.role === event.role);
          const turn: Turn = {
            ...(at >= 0 ? all[at] : {}),
            turnId: event.turnId,
            role: event.role,
            agent: event.agent,
            text: event.text,
            final: event.final,
            interrupted: event.interrupted,
          };
          return at >= 0 ? all.map((t, i) => (i === at ? turn : t)) : [...all, turn];
        });
        return;
      case 'agent_state':
        setAgentState(event.state);
        setAgent(event.agent);
        return;
      case 'turn_metrics':
        setTurns((all) => {
          const exists = all.some((t) => t.turnId === event.turnId && t.role === 'agent');
          const metric = { voiceToVoiceMs: event.metrics.voiceToVoiceMs };
          return exists
            ? all.map((t) => (t.turnId === event.turnId && t.role === 'agent' ? { ...t, ...metric } : t))
            : [...all, { turnId: event.turnId, role: 'agent', text: '', final: false, ...metric }];
        });
        return;
      case 'error':
        setError(event.message);
        return;
      default:
        return;
    }
  }, []);

  const teardown = useCallback((message?: string) => {
    media.current?.close();
    media.current = null;
    ready.current?.reject(new Error(message ?? 'ended'));
    ready.current = null;
    setStatus('idle');
    setAgentState('idle');
    setLevel(0);
    setMicrophoneOn(false);
    // The next call starts unmuted, and the button must say so.
    mutedRef.current = false;
    setMutedState(false);
    if (message) setError(message);
  }, []);

  const hangUpSession = useCallback(() => {
    const id = sessionId.current;
    sessionId.current = null;
    if (id) void fetch(`/api/sessions/${id}`, { method: 'DELETE' }).catch(() => undefined);
  }, []);

  const start = useCallback(
    async ({ audio }: { audio: boolean }) => {
      if (media.current || status === 'connecting') return;
      setError(null);
      setStatus('connecting');
      let resolveReady!: () => void;
      let rejectReady!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
      promise.catch(() => undefined);
      ready.current = { promise, resolve: resolveReady, reject: rejectReady };
      try {
        const res = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const body = (await res.json().catch(() => ({}))) as CreateSessionResponse & { error?: { message: string } };
        if (!res.ok) return teardown(body.error?.message ?? 'The call could not be started. Please try again.');
        sessionId.current = body.id;
        setAgent(body.agent);
        media.current =
          body.connection.type === 'websocket'
            ? await openWebSocket(body.connection.url, {
                audio,
                deviceId,
                onEvent,
                onLevel: setLevel,
                onPlayed: setPlayedSamples,
                onClosed: (m) => (hangUpSession(), teardown(m)),
              })
            : await openLiveKit(body.connection.url, body.connection.token, {
                audio,
                deviceId,
                onEvent,
                onLevel: setLevel,
                onPlayed: setPlayedSamples,
                onClosed: (m) => (hangUpSession(), teardown(m)),
              });
        await Promise.race([promise, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), OPEN_TIMEOUT_MS))]);
        // A typed-only call skips the spoken greeting, so the first reply answers what was typed.
        if (audio) media.current?.send({ type: 'start' });
        setStatus('live');
        setAgentState('listening');
        setMicrophoneOn(audio);
        if (audio) void refreshDevices();
      } catch (err) {
        hangUpSession();
        const message = err instanceof MicrophoneError ? err.message : 'The voice service could not be reached. Check your connection and try again.';
        teardown(message);
      }
    },
    [deviceId, hangUpSession, onEvent, refreshDevices, status, teardown],
  );

  const end = useCallback(() => {
    if (!media.current) return;
    setStatus('ending');
    media.current.send({ type: 'stop' });
    hangUpSession();
    teardown();
  }, [hangUpSession, teardown]);

  const sendText = useCallback(
    async (text: string) => {
      if (!media.current) await start({ audio: false });
      await ready.current?.promise.catch(() => undefined);
      media.current?.send({ type: 'text', text });
    },
    [start],
  );

  const setMuted = useCallback((value: boolean) => {
    mutedRef.current = value;
    media.current?.setMuted(value);
    setMutedState(value);
  }, []);

  /** Chooses the microphone: for the next call, and at once for the call in progress. */
  const setDeviceId = useCallback(async (id: string) => {
    setDeviceIdState(id);
    if (!media.current) return;
    try {
      await media.current.switchMicrophone(id);
      media.current?.setMuted(mutedRef.current);
    } catch (err) {
      setError(err instanceof MicrophoneError ? err.message : 'That microphone could not be started. Choose another one.');
    }
  }, []);

  useEffect(() => {
    return () => media.current?.close();
  }, []);

  return {
    status,
    agentState,
    agent,
    turns,
    error,
    level,
    playedSamples,
    muted,
    microphoneOn,
    devices,
    deviceId,
    setDeviceId,
    start,
    end,
    sendText,
    setMuted,
    dismissError: () => setError(null),
  };
}

class MicrophoneError extends Error {}

interface OpenOptions {
  audio: boolean;
  deviceId: string;
  onEvent(event: ServerEvent): void;
  onClosed(message?: string): void;
  /** The microphone's level (RMS, 0..1) as it is sent. */
  onLevel(level: number): void;
  /** How many agent audio samples (at MEDIA_SAMPLE_RATE) have been played so far. */
  onPlayed(samples: number): void;
}

async function microphone(deviceId: string): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (err) {
    throw new MicrophoneError(micError(err));
  }
}

/** voice-api's own transport: 20 ms PCM16 frames up, agent audio and JSON events down. */
async function openWebSocket(url: string, o: OpenOptions): Promise<Media> {
  let stream = o.audio ? await microphone(o.deviceId) : null;
  const ctx = new AudioContext({ sampleRate: MEDIA_SAMPLE_RATE, latencyHint: 'interactive' });
  await Promise.all([ctx.audioWorklet.addModule('/worklets/capture.js'), ctx.audioWorklet.addModule('/worklets/playback.js')]);
  const playback = new AudioWorkletNode(ctx, 'playback', { outputChannelCount: [1] });
  playback.connect(ctx.destination);
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  let closedByUs = false;
  let clearedTurn: string | null = null;

  playback.port.onmessage = (e: MessageEvent<{ type: string; samples?: number; playedMs?: number }>) => {
    if (e.data.type === 'played') o.onPlayed(e.data.samples ?? 0);
    else if (e.data.type === 'cleared' && clearedTurn && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'playback', turnId: clearedTurn, playedMs: e.data.playedMs ?? 0 } satisfies ClientMessage));
    }
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), OPEN_TIMEOUT_MS);
    socket.onopen = () => (clearTimeout(timer), resolve());
    socket.onerror = () => (clearTimeout(timer), reject(new Error('websocket error')));
  }).catch((err: unknown) => {
    stream?.getTracks().forEach((t) => t.stop());
    void ctx.close();
    throw err;
  });

  socket.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
    if (typeof e.data !== 'string') {
      playback.port.postMessage({ type: 'audio', samples: e.data }, [e.data]);
      return;
    }
    const event = JSON.parse(e.data) as ServerEvent;
    if (event.type === 'clear') {
      clearedTurn = event.turnId;
      playback.port.postMessage({ type: 'clear' });
    }
    o.onEvent(event);
  };
  socket.onclose = (e) => {
    if (closedByUs) return;
    close();
    o.onClosed(e.code === 1000 ? undefined : 'The connection to the voice service was lost. Start a new call to go on.');
  };

  let capture: AudioWorkletNode | null = null;
  let source: MediaStreamAudioSourceNode | null = null;
  let muted = false;
  if (stream) {
    source = ctx.createMediaStreamSource(stream);
    capture = new AudioWorkletNode(ctx, 'capture');
    capture.port.onmessage = (e: MessageEvent<{ frame: ArrayBuffer; level: number }>) => {
      o.onLevel(e.data.level);
      if (socket.readyState === WebSocket.OPEN) socket.send(e.data.frame);
    };
    source.connect(capture);
  }

  function close() {
    closedByUs = true;
    stream?.getTracks().forEach((t) => t.stop());
    source?.disconnect();
    capture?.disconnect();
    playback.disconnect();
    void ctx.close().catch(() => undefined);
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
  }

  return {
    send: (message) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message)),
    close,
    setMuted: (value) => {
      muted = value;
      stream?.getAudioTracks().forEach((t) => (t.enabled = !muted));
    },
    switchMicrophone: async (deviceId) => {
      if (!capture) return; // a typed-only call has no microphone
      const next = await microphone(deviceId);
      if (closedByUs) return next.getTracks().forEach((t) => t.stop());
      next.getAudioTracks().forEach((t) => (t.enabled = !muted));
      const nextSource = ctx.createMediaStreamSource(next);
      nextSource.connect(capture);
      source?.disconnect();
      stream?.getTracks().forEach((t) => t.stop());
      stream = next;
      source = nextSource;
    },
  };
}

/**
 * Measures a WebRTC track every 50 ms: its level (RMS, 0..1) and how many samples (at
 * MEDIA_SAMPLE_RATE) passed. LiveKit captures and plays through WebRTC rather than the worklets,
 * so this is how its calls get the level meter and the played-audio count.
 */
function probeTrack(ctx: AudioContext, track: MediaStreamTrack, onTick: (level: number, samples: number) => void): () => void {
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const buffer = new Float32Array(analyser.fftSize);
  let last = ctx.currentTime;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(buffer);
    let energy = 0;
    for (const v of buffer) energy += v * v;
    const now = ctx.currentTime;
    onTick(Math.sqrt(energy / buffer.length), Math.round((now - last) * MEDIA_SAMPLE_RATE));
    last = now;
  }, 50);
  return () => {
    clearInterval(timer);
    source.disconnect();
    analyser.disconnect();
  };
}

/** Below this RMS the agent's track is silence (between sentences), not played speech. */
const AUDIBLE_RMS = 0.001;

/** LiveKit transport: WebRTC audio both ways; events and control as data packets. */
async function openLiveKit(url: string, token: string, o: OpenOptions): Promise<Media> {
  const { Room, RoomEvent, Track } = await import('livekit-client');
  const room = new Room({ adaptiveStream: false });
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const players = new Map<string, { el: HTMLMediaElement; stop: () => void }>();
  const ctx = new AudioContext({ latencyHint: 'interactive' });
  let played = 0;
  let stopMicProbe: (() => void) | null = null;
  let closedByUs = false;

  const probeMicrophone = () => {
    stopMicProbe?.();
    stopMicProbe = null;
    const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track?.mediaStreamTrack;
    if (track) stopMicProbe = probeTrack(ctx, track, (level) => o.onLevel(track.enabled ? level : 0));
  };
  const close = () => {
    closedByUs = true;
    stopMicProbe?.();
    players.forEach(({ el, stop }) => (stop(), el.remove()));
    players.clear();
    void ctx.close().catch(() => undefined);
    void room.disconnect();
  };

  room.on(RoomEvent.DataReceived, (payload, _participant, _kind, topic) => {
    if (topic === LIVEKIT_EVENTS_TOPIC) o.onEvent(JSON.parse(decoder.decode(payload)) as ServerEvent);
  });
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind !== Track.Kind.Audio) return;
    const el = track.attach();
    el.hidden = true;
    document.body.append(el);
    const stop = probeTrack(ctx, track.mediaStreamTrack, (level, samples) => {
      if (level < AUDIBLE_RMS) return;
      played += samples;
      o.onPlayed(played);
    });
    players.set(track.sid ?? track.mediaStreamTrack.id, { el, stop });
  });
  room.on(RoomEvent.TrackUnsubscribed, (track) => {
    const key = track.sid ?? track.mediaStreamTrack.id;
    const player = players.get(key);
    if (!player) return;
    player.stop();
    track.detach(player.el);
    player.el.remove();
    players.delete(key);
  });
  room.on(RoomEvent.Disconnected, () => {
    if (closedByUs) return;
    close();
    o.onClosed('The call was disconnected. Start a new call to go on.');
  });
  try {
    await room.connect(url, token);
    await ctx.resume();
  } catch (err) {
    close();
    throw err;
  }
  if (o.audio) {
    try {
      await room.localParticipant.setMicrophoneEnabled(true, o.deviceId ? { deviceId: o.deviceId } : undefined);
    } catch (err) {
      close();
      throw new MicrophoneError(micError(err));
    }
    probeMicrophone();
  }
  return {
    send: (message) => void room.localParticipant.publishData(encoder.encode(JSON.stringify(message)), { reliable: true, topic: LIVEKIT_CONTROL_TOPIC }),
    close,
    setMuted: (muted) => void room.localParticipant.setMicrophoneEnabled(!muted),
    switchMicrophone: async (deviceId) => {
      if (!o.audio) return;
      try {
        await room.switchActiveDevice('audioinput', deviceId || 'default', true);
      } catch (err) {
        throw new MicrophoneError(micError(err));
      }
      probeMicrophone();
    },
  };
}
