import { createHmac, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/*
 * Twilio's side of a phone call, written from Twilio's public documentation only (not from
 * voice-api's code, nor with the twilio package): the signed webhook ("Webhooks security": HMAC-SHA1
 * of the URL followed by each POST field's name and value in name order, keyed with the auth token,
 * base64) and the bidirectional Media Streams WebSocket ("Media Streams - WebSocket Messages").
 */

/** X-Twilio-Signature for a form POST to `url` with `fields`. */
export function twilioSignature(authToken: string, url: string, fields: Record<string, string>): string {
  const data = Object.keys(fields)
    .sort()
    .reduce((acc, key) => acc + key + fields[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export const twilioSid = (prefix: 'AC' | 'CA' | 'MZ') => prefix + randomBytes(16).toString('hex');

/** POSTs a webhook as Twilio does: form-encoded, signed for `signedUrl` (the public URL; `url` by default). */
export async function postWebhook(
  url: string,
  fields: Record<string, string>,
  sign: { authToken: string; signedUrl?: string } | { signature: string | null },
): Promise<{ status: number; type: string; text: string }> {
  const signature = 'authToken' in sign ? twilioSignature(sign.authToken, sign.signedUrl ?? url, fields) : sign.signature;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const unescapeXml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attribute = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]) : undefined;
};

/** The <Connect><Stream> of a TwiML answer: the WebSocket URL and the <Parameter>s Twilio would hand back in `start`. */
export function connectStream(twiml: string): { url: string; parameters: Record<string, string> } {
  if (!/^<\?xml[^>]*\?>\s*<Response>\s*<Connect>\s*<Stream[\s>]/.test(twiml)) throw new Error(`not a <Connect><Stream> answer: ${twiml}`);
  const stream = /<Stream\b[^>]*>/.exec(twiml)?.[0] ?? '';
  const url = attribute(stream, 'url');
  if (!url) throw new Error('<Stream> has no url');
  const parameters: Record<string, string> = {};
  for (const [tag] of twiml.matchAll(/<Parameter\b[^>]*>/g)) parameters[attribute(tag, 'name') ?? ''] = attribute(tag, 'value') ?? '';
  return { url, parameters };
}

/** G.711 μ-law of one 16-bit sample (ITU-T G.711: bias 132, clip 32635). */
function ulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + 132;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f)) & 0xff;
}

/** A 63-tap windowed-sinc low-pass at 3.4 kHz for 16 kHz audio: the telephone band, and no aliasing when halving the rate. */
const PHONE_BAND = (() => {
  const taps = 63;
  const cutoff = 3400 / 16000;
  const h = Array.from({ length: taps }, (_, i) => {
    const n = i - (taps - 1) / 2;
    const sinc = n === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * n) / (Math.PI * n);
    return sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1)));
  });
  const sum = h.reduce((a, b) => a + b, 0);
  return h.map((x) => x / sum);
})();

/** 16 kHz PCM16 to 8 kHz μ-law, as a phone line carries it: band-limited to 3.4 kHz, every other sample, G.711. */
export function toPhoneAudio(pcm16k: Int16Array): Buffer {
  const out = Buffer.alloc(Math.floor(pcm16k.length / 2));
  const half = (PHONE_BAND.length - 1) / 2;
  for (let i = 0; i < out.length; i++) {
    let acc = 0;
    for (let k = 0; k < PHONE_BAND.length; k++) {
      const j = 2 * i + k - half;
      if (j >= 0 && j < pcm16k.length) acc += PHONE_BAND[k] * pcm16k[j];
    }
    out[i] = ulaw(Math.round(acc));
  }
  return out;
}

/** A message voice-api sent to Twilio, with its arrival time (performance.now()). */
export interface Received {
  at: number;
  message: { event: string; streamSid?: string; media?: { payload?: string }; mark?: { name?: string }; [k: string]: unknown };
}

/**
 * The Twilio end of a media stream. It plays the agent's audio as a phone would (in real time from
 * arrival), echoes each `mark` once the audio sent before it has played, and on `clear` drops the
 * audio not yet played and echoes the marks still pending, as the documentation describes.
 */
export class TwilioMediaStream {
  readonly received: Received[] = [];
  readonly echoedMarks: { name: string; at: number }[] = [];
  closed?: { code: number; reason: string };
  readonly streamSid = twilioSid('MZ');
  private sequence = 0;
  private mediaChunk = 0;
  private mediaTimestamp = 0;
  /** When the audio queued so far will have played (performance.now() clock). */
  private playEndsAt = 0;
  private playedBeforeClear = 0;
  private queued: { start: number; ms: number }[] = [];
  private pendingMarks: { name: string; timer: NodeJS.Timeout }[] = [];
  private waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  /** How long after it arrives audio starts playing (the phone network's delay and jitter buffer). */
  playoutDelayMs = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.onMessage(data));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      clearTimeout(this.lineTimer);
      for (const mark of this.pendingMarks) clearTimeout(mark.timer);
      for (const v of this.voice.splice(0)) v.done();
    });
  }

  static connect(url: string): Promise<TwilioMediaStream> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const stream = new TwilioMediaStream(socket);
      socket.once('open', () => resolve(stream));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  private nextSequence = () => String(++this.sequence);

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** `connected`, then `start` with the call's ids and the <Parameter>s of the TwiML. */
  start(o: { accountSid: string; callSid: string; customParameters: Record<string, string> }): void {
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: this.nextSequence(),
      start: {
        accountSid: o.accountSid,
        streamSid: this.streamSid,
        callSid: o.callSid,
        tracks: ['inbound'],
        customParameters: o.customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: this.streamSid,
    });
    this.openLine();
  }

  /**
   * The caller's voice (16 kHz PCM16), queued on the line: resolves once it has all been sent. Like
   * Twilio, the stream sends a `media` message every 20 ms from `start` on, silence when nobody speaks.
   */
  speak(pcm16k: Int16Array): Promise<void> {
    const audio = toPhoneAudio(pcm16k);
    return new Promise((resolve) => {
      this.voice.push({ audio, offset: 0, done: resolve });
    });
  }

  private readonly voice: { audio: Buffer; offset: number; done: () => void }[] = [];
  private lineTimer?: NodeJS.Timeout;

  /** Sends 20 ms of the line every 20 ms (catching up on timer lateness), until the socket closes. */
  private openLine() {
    const started = performance.now();
    let sent = 0;
    this.lineTimer = setTimeout(() => undefined, 0);
    const tick = () => {
      if (this.socket.readyState !== WebSocket.OPEN || !this.lineTimer) return;
      while (sent * 20 <= performance.now() - started) {
        this.sendChunk(this.nextChunk());
        sent++;
      }
      if (!this.lineTimer) return;
      this.lineTimer = setTimeout(tick, 20 - ((performance.now() - started) % 20));
    };
    tick();
  }

  private nextChunk(): Buffer {
    const chunk = Buffer.alloc(160, 0xff); // μ-law silence
    const current = this.voice[0];
    if (!current) return chunk;
    current.audio.copy(chunk, 0, current.offset, current.offset + 160);
    current.offset += 160;
    if (current.offset >= current.audio.length) {
      this.voice.shift();
      current.done();
    }
    return chunk;
  }

  private sendChunk(chunk: Buffer) {
    this.send({
      event: 'media',
      sequenceNumber: this.nextSequence(),
      media: { track: 'inbound', chunk: String(++this.mediaChunk), timestamp: String(this.mediaTimestamp), payload: chunk.toString('base64') },
      streamSid: this.streamSid,
    });
    this.mediaTimestamp += 20;
  }

  dtmf(digit: string): void {
    this.send({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: this.nextSequence(), dtmf: { track: 'inbound_track', digit } });
  }

  /** The caller hung up: `stop`, then the socket closes. */
  async hangUp(o: { accountSid: string; callSid: string }): Promise<void> {
    clearTimeout(this.lineTimer);
    this.lineTimer = undefined;
    this.send({ event: 'stop', sequenceNumber: this.nextSequence(), streamSid: this.streamSid, stop: { accountSid: o.accountSid, callSid: o.callSid } });
    await this.close();
  }

  /** Milliseconds of agent audio received (8000 μ-law bytes a second). */
  get receivedAudioMs(): number {
    return this.media().reduce((ms, r) => ms + Buffer.from(r.message.media?.payload ?? '', 'base64').length / 8, 0);
  }

  /** Agent audio a phone would have played so far, stopping at each `clear`. */
  playedMs(now = performance.now()): number {
    return this.playedBeforeClear + this.queued.reduce((ms, q) => ms + Math.max(0, Math.min(q.ms, now - q.start)), 0);
  }

  media(): Received[] {
    return this.received.filter((r) => r.message.event === 'media');
  }

  /** The first message (received or still to come) of this event that matches. */
  waitFor(event: string, match: (r: Received) => boolean = () => true, timeoutMs = 20_000): Promise<Received> {
    const test = (r: Received) => r.message.event === event && match(r);
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match: test, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  /** Resolves when the socket is closed (by either side). */
  waitClosed(timeoutMs = 20_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the media socket is still open after ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', (code, reason) => (clearTimeout(timer), resolve({ code, reason: reason.toString() })));
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private echoMark(name: string) {
    this.pendingMarks = this.pendingMarks.filter((m) => m.name !== name);
    this.echoedMarks.push({ name, at: performance.now() });
    if (this.socket.readyState === WebSocket.OPEN) {
      this.send({ event: 'mark', sequenceNumber: this.nextSequence(), streamSid: this.streamSid, mark: { name } });
    }
  }

  private onMessage(data: Buffer) {
    const at = performance.now();
    const message = JSON.parse(data.toString('utf8')) as Received['message'];
    const received = { at, message };
    this.received.push(received);
    if (message.event === 'media') {
      const ms = Buffer.from(message.media?.payload ?? '', 'base64').length / 8;
      const start = Math.max(at + this.playoutDelayMs, this.playEndsAt);
      this.queued.push({ start, ms });
      this.playEndsAt = start + ms;
    } else if (message.event === 'mark' && message.mark?.name) {
      const name = message.mark.name;
      const timer = setTimeout(() => this.echoMark(name), Math.max(0, this.playEndsAt - at));
      this.pendingMarks.push({ name, timer });
    } else if (message.event === 'clear') {
      this.playedBeforeClear = this.playedMs(at);
      this.queued = [];
      this.playEndsAt = at;
      for (const mark of [...this.pendingMarks]) {
        clearTimeout(mark.timer);
        this.echoMark(mark.name);
      }
    }
    this.waiters = this.waiters.filter((w) => !(w.match(received) && (w.resolve(received), true)));
  }
}
