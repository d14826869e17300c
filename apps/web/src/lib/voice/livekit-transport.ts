import { LIVEKIT_CONTROL_TOPIC, LIVEKIT_EVENTS_TOPIC } from '@voice/contracts/media';
import { CAPTURE_PROCESSING, MicrophoneError } from './microphone';
import { parseServerEvent } from './server-event';
import { probeTrack } from './track-probe';
import type { CallTransport, TransportOptions } from './transport';

/** Below this RMS the agent's track is silence (between sentences), not played speech. */
const AUDIBLE_RMS = 0.001;

/** LiveKit transport: WebRTC audio both ways; events and control as data packets. */
export async function openLiveKitTransport(url: string, token: string, o: TransportOptions): Promise<CallTransport> {
  const { Room, RoomEvent, Track } = await import('livekit-client');
  const room = new Room({ adaptiveStream: false, audioCaptureDefaults: { ...CAPTURE_PROCESSING } });
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
    if (topic !== LIVEKIT_EVENTS_TOPIC) return;
    const event = parseServerEvent(decoder.decode(payload));
    if (event) o.onEvent(event);
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
      throw MicrophoneError.from(err);
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
        throw MicrophoneError.from(err);
      }
      probeMicrophone();
    },
  };
}
