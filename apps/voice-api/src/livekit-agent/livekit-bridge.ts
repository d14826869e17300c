import { AudioFrame } from '@livekit/rtc-node';
import { LIVEKIT_CONTROL_TOPIC, LIVEKIT_EVENTS_TOPIC, MEDIA_SAMPLE_RATE, type ServerEvent } from '@voice/contracts/media';
import type { CallPort } from '../call/call-port';
import { readFrame } from '../media/frames';
import { CallerAudio, type PcmFrame } from './caller-audio';

/** Where the agent's voice goes: an rtc-node AudioSource (16 kHz mono) behind a published track. */
export interface AudioOut {
  captureFrame(frame: AudioFrame): Promise<void>;
  clearQueue(): void;
}

/** Where events go: the agent's LocalParticipant. */
export interface DataOut {
  publishData(data: Uint8Array, options: { reliable: boolean; topic: string; destination_identities: string[] }): Promise<void>;
}

/** What the bridge drives: a VoiceCall. */
export interface SessionControls {
  pushAudio(frame: Int16Array): void;
  pushText(text: string): void;
  reportPlayback(turnId: string, playedMs: number): void;
}

export interface BridgeLog {
  warn(data: Record<string, unknown>, message: string): void;
}

export interface LiveKitBridgeOptions {
  /** Identity of the caller's participant (the userId); data from anyone else is ignored. */
  callerIdentity: string;
  audioOut: AudioOut;
  dataOut: DataOut;
  log: BridgeLog;
  /** The call is over: the caller sent {"type":"stop"}, or the call hung up. */
  onStop(reason: string): void;
}

const encoder = new TextEncoder();

/**
 * The LiveKit transport adapter, between a room and a VoiceCall: the caller's microphone in, the
 * agent's voice out, events and control messages over reliable data packets. It only sees the
 * narrow interfaces above, so it runs in tests without a LiveKit server.
 */
export class LiveKitBridge implements CallPort {
  private session?: SessionControls;
  private audio: Promise<void> = Promise.resolve();
  private events: Promise<void> = Promise.resolve();
  /** Bumped by `clear`: agent frames queued before it are dropped instead of captured. */
  private generation = 0;
  /** Bumped by each new caller track, so an older one stops feeding the session. */
  private inputs = 0;
  private closed = false;

  constructor(private readonly o: LiveKitBridgeOptions) {}

  /** Connects the call; audio and messages that arrive before this are dropped. */
  attach(session: SessionControls): void {
    this.session = session;
  }

  /** One 20 ms 16 kHz frame of the agent's voice, captured in order. */
  sendAudio(frame: Int16Array): void {
    if (this.closed) return;
    const generation = this.generation;
    // rtc-node hands the whole underlying buffer to the native side, so the frame must own its buffer.
    const out = new AudioFrame(frame.slice(), MEDIA_SAMPLE_RATE, 1, frame.length);
    this.audio = this.audio
      .then(() => (generation === this.generation && !this.closed ? this.o.audioOut.captureFrame(out) : undefined))
      .catch((err: unknown) => this.o.log.warn({ err: errorMessage(err) }, 'agent audio frame could not be played'));
  }

  /** An event for the caller; a `clear` also stops playback at once. */
  sendEvent(event: ServerEvent): void {
    if (this.closed) return;
    if (event.type === 'clear') {
      this.generation++;
      this.o.audioOut.clearQueue();
    }
    const data = encoder.encode(JSON.stringify(event));
    const options = { reliable: true, topic: LIVEKIT_EVENTS_TOPIC, destination_identities: [this.o.callerIdentity] };
    this.events = this.events
      .then(() => this.o.dataOut.publishData(data, options))
      .catch((err: unknown) => this.o.log.warn({ err: errorMessage(err), event: event.type }, 'event could not be sent to the caller'));
  }

  /** Feeds one caller track to the session until it ends, the bridge closes or a newer track takes over. */
  async pumpAudio(frames: AsyncIterable<PcmFrame>): Promise<void> {
    const input = ++this.inputs;
    const audio = new CallerAudio();
    let warned = false;
    for await (const frame of frames) {
      if (this.closed || input !== this.inputs) break;
      let chunks: Int16Array[];
      try {
        chunks = audio.push(frame);
      } catch (err) {
        if (!warned) this.o.log.warn({ err: errorMessage(err) }, 'caller audio frames are malformed; dropping them');
        warned = true;
        continue;
      }
      for (const chunk of chunks) this.session?.pushAudio(chunk);
    }
  }

  /** A data packet from the room: control messages from the caller, validated like WebSocket ones. */
  receiveData(payload: Uint8Array, from: string | undefined, topic: string | undefined): void {
    if (this.closed || topic !== LIVEKIT_CONTROL_TOPIC) return;
    if (from !== this.o.callerIdentity) {
      this.o.log.warn({ from: from ?? 'server' }, 'ignored a control message from someone other than the caller');
      return;
    }
    const inbound = readFrame(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), false);
    if (inbound.kind === 'invalid') return this.sendEvent(inbound.error);
    if (inbound.kind !== 'message') return;
    const message = inbound.message;
    switch (message.type) {
      case 'text':
        return this.session?.pushText(message.text);
      case 'playback':
        return this.session?.reportPlayback(message.turnId, message.playedMs);
      case 'stop':
        return this.o.onStop('caller hung up');
      case 'start':
        return; // the agent starts when the caller joins; nothing to do
    }
  }

  /** The call hung up: the job ends (closing the bridge on its way out). */
  hangUp(reason: string): void {
    this.o.onStop(reason);
  }

  /** Resolves once every frame and event handed over so far has been passed on (or dropped by a `clear`). */
  async drained(): Promise<void> {
    await Promise.all([this.audio, this.events]);
  }

  /** Stops everything: agent frames not yet captured are dropped; resolves once the ones in flight are done. */
  async close(): Promise<void> {
    this.closed = true;
    this.inputs++;
    await this.drained();
  }
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
