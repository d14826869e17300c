import { MEDIA_SAMPLE_RATE, type ClientMessage } from '@voice/contracts/media';
import { openMicrophone } from './microphone';
import { parseServerEvent } from './server-event';
import { OPEN_TIMEOUT_MS, type CallTransport, type TransportOptions } from './transport';

/** The longest a call waits, after voice-api closed it normally, for the agent's last audio to play. */
const MAX_DRAIN_MS = 3000;

/** voice-api's own transport: 20 ms PCM16 frames up, agent audio and JSON events down. */
export async function openWebSocketTransport(url: string, o: TransportOptions): Promise<CallTransport> {
  let stream = o.audio ? await openMicrophone(o.deviceId) : null;
  const ctx = new AudioContext({ sampleRate: MEDIA_SAMPLE_RATE, latencyHint: 'interactive' });
  await Promise.all([ctx.audioWorklet.addModule('/worklets/capture.js'), ctx.audioWorklet.addModule('/worklets/playback.js')]);
  const playback = new AudioWorkletNode(ctx, 'playback', { outputChannelCount: [1] });
  playback.connect(ctx.destination);
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  let closedByUs = false;
  let clearedTurn: string | null = null;
  // voice-api drops (and reports) audio that comes before the call's `start` (or first `text`):
  // the microphone's frames wait for it.
  let audioAccepted = false;
  /** Set when voice-api closed the call normally: ends it once the audio already here has played. */
  let drained: (() => void) | null = null;

  playback.port.onmessage = (e: MessageEvent<{ type: string; samples?: number; playedMs?: number }>) => {
    if (e.data.type === 'played') o.onPlayed(e.data.samples ?? 0);
    else if (e.data.type === 'drained') drained?.();
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
    const event = parseServerEvent(e.data);
    if (!event) return;
    if (event.type === 'clear') {
      clearedTurn = event.turnId;
      playback.port.postMessage({ type: 'clear' });
    }
    o.onEvent(event);
  };
  socket.onclose = (e) => {
    if (closedByUs) return;
    if (e.code !== 1000) {
      close();
      return o.onClosed('The connection to the voice service was lost. Start a new call to go on.');
    }
    // A normal end (the agent said goodbye, the time limit): the agent's last words still play out.
    const timer = setTimeout(() => drained?.(), MAX_DRAIN_MS);
    drained = () => {
      drained = null;
      clearTimeout(timer);
      if (closedByUs) return;
      close();
      o.onClosed(undefined);
    };
    playback.port.postMessage({ type: 'drain' });
  };

  let capture: AudioWorkletNode | null = null;
  let source: MediaStreamAudioSourceNode | null = null;
  let muted = false;
  if (stream) {
    source = ctx.createMediaStreamSource(stream);
    capture = new AudioWorkletNode(ctx, 'capture');
    capture.port.onmessage = (e: MessageEvent<{ frame: ArrayBuffer; level: number }>) => {
      o.onLevel(e.data.level);
      if (audioAccepted && socket.readyState === WebSocket.OPEN) socket.send(e.data.frame);
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
    send: (message) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify(message));
      if (message.type === 'start' || message.type === 'text') audioAccepted = true;
    },
    close,
    setMuted: (value) => {
      muted = value;
      stream?.getAudioTracks().forEach((t) => (t.enabled = !muted));
    },
    switchMicrophone: async (deviceId) => {
      if (!capture) return; // a typed-only call has no microphone
      const next = await openMicrophone(deviceId);
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
