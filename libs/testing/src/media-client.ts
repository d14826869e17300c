import { MEDIA_FRAME_BYTES, MEDIA_FRAME_MS, MEDIA_FRAME_SAMPLES, ServerEvent, type ClientMessage } from '@voice/contracts/media';
import WebSocket from 'ws';

type Event = ServerEvent;

/**
 * A client of the WebSocket voice protocol for tests and benchmarks: streams PCM in real-time
 * paced 20 ms frames, records every event and audio frame with its arrival time, and works out
 * what a player would have played (playedMs), for the `playback` report a browser sends after `clear`.
 */
export class MediaClient {
  readonly events: { at: number; event: Event }[] = [];
  /** Agent audio frames received, with arrival time and size as received. */
  readonly audio: { at: number; bytes: number; samples: number }[] = [];
  private waiters: { match: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  closed?: { code: number; reason: string };

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const at = performance.now();
      if (isBinary) {
        this.audio.push({ at, bytes: data.length, samples: data.length / 2 });
        return;
      }
      const event = ServerEvent.parse(JSON.parse(data.toString('utf8')));
      this.events.push({ at, event });
      this.waiters = this.waiters.filter((w) => !(w.match(event) && (w.resolve(event), true)));
    });
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static connect(url: string): Promise<MediaClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new MediaClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: Buffer | string): void {
    this.socket.send(data);
  }

  /** Streams `pcm` (16 kHz mono) as 20 ms frames at the pace it would be spoken. */
  async stream(pcm: Int16Array, options: { realtime?: boolean; onFrame?: (index: number, at: number) => void } = {}): Promise<void> {
    const started = performance.now();
    const frames = Math.ceil(pcm.length / MEDIA_FRAME_SAMPLES);
    for (let i = 0; i < frames; i++) {
      if (options.realtime !== false) {
        const due = started + i * MEDIA_FRAME_MS;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      }
      const frame = Buffer.alloc(MEDIA_FRAME_BYTES);
      const chunk = pcm.subarray(i * MEDIA_FRAME_SAMPLES, (i + 1) * MEDIA_FRAME_SAMPLES);
      for (let j = 0; j < chunk.length; j++) frame.writeInt16LE(chunk[j], j * 2);
      options.onFrame?.(i, performance.now());
      this.socket.send(frame);
    }
  }

  /**
   * How much of the agent audio received from frame `from` on a player would have played by
   * `until` (performance.now() clock): it starts `startDelayMs` after the first frame arrives (a
   * jitter buffer), then plays each frame when it arrives or when the one before ends, if later.
   */
  playedMs(until: number, { from = 0, startDelayMs = 0 } = {}): number {
    let played = 0;
    let free = -Infinity;
    for (const [i, frame] of this.audio.slice(from).entries()) {
      const start = Math.max(frame.at + (i === 0 ? startDelayMs : 0), free);
      if (start >= until) break;
      const ms = (frame.samples / MEDIA_FRAME_SAMPLES) * MEDIA_FRAME_MS;
      played += Math.min(ms, until - start);
      free = start + ms;
    }
    return Math.round(played);
  }

  /** The first event (already received or still to come) that matches. */
  waitFor<T extends Event['type']>(
    type: T,
    match: (e: Extract<Event, { type: T }>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<Extract<Event, { type: T }>> {
    const test = (e: Event) => e.type === type && match(e as Extract<Event, { type: T }>);
    const seen = this.events.find((x) => test(x.event));
    if (seen) return Promise.resolve(seen.event as Extract<Event, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} event within ${timeoutMs} ms; got: ${this.events.map((x) => x.event.type).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        match: test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<Event, { type: T }>);
        },
      });
    });
  }

  /** Waits for the next matching event after this moment. */
  next<T extends Event['type']>(type: T, match: (e: Extract<Event, { type: T }>) => boolean = () => true, timeoutMs = 20_000) {
    const from = this.events.length;
    return this.waitFor(type, (e) => this.events.findIndex((x) => x.event === e) >= from && match(e), timeoutMs);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
