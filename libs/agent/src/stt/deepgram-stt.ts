import type { IncomingMessage } from 'node:http';
import WebSocket, { type RawData } from 'ws';
import { httpCredentialProbe, type CredentialProbe } from '../cloud/credential-probe';
import { ProviderError, providerMessage, redact } from '../cloud/errors';
import { joinUrl } from '../cloud/http';
import { int16ToBytes } from '../audio/pcm16';
import type { ProviderCheck, SpeechToText, SttResult, SttUtterance, UtteranceOptions } from './stt';

export interface DeepgramSttOptions {
  apiKey?: string;
  /** Default `wss://api.deepgram.com`. */
  baseUrl?: string;
  /** Default `nova-3`. */
  model?: string;
  /** BCP-47 tag ("en-US"); Deepgram's default (English) when absent. */
  language?: string;
  /** Limit for the WebSocket handshake. Default 5 s. */
  connectTimeoutMs?: number;
  /**
   * How long `finish()` waits for the `from_finalize` reply before settling for the words it has:
   * Deepgram does not promise that reply when little audio was buffered. Default 3 s.
   */
  finalizeTimeoutMs?: number;
  /** KeepAlive cadence while no audio flows (Deepgram closes after ~10 s of silence). Default 3 s. */
  keepAliveIntervalMs?: number;
}

const PROVIDER = 'Deepgram STT';
/** A socket that drops more often than this during one utterance is given up on. */
const MAX_REPLAYS = 2;
const CLOSE_GRACE_MS = 2000;

/** A Deepgram live-streaming `Results` message (fields this client reads). */
interface DeepgramResults {
  type: 'Results';
  is_final?: boolean;
  from_finalize?: boolean;
  channel?: { alternatives?: { transcript?: string; confidence?: number }[] };
}

/**
 * Deepgram live streaming STT. One WebSocket per instance, opened on the first utterance and kept
 * (with KeepAlive) for the next ones, so use one instance per call. Utterances are sent in order;
 * `finish()` sends Finalize and the reply flagged `from_finalize` closes that utterance, so the
 * words Deepgram returns before it belong to it and the ones after to the next. A socket that
 * drops is reopened and the unfinished utterances' audio sent again.
 */
export class DeepgramStt implements SpeechToText {
  readonly name = 'deepgram';
  private socket: WebSocket | undefined;
  private readonly queue: DeepgramUtterance[] = [];
  private lastSendAt = 0;
  private keepAlive: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: DeepgramSttOptions) {}

  startUtterance(options: UtteranceOptions = {}): SttUtterance {
    const utterance = new DeepgramUtterance(this, options, this.options.finalizeTimeoutMs ?? 3000);
    if (this.closed) {
      utterance.fail(new ProviderError(PROVIDER, 'used after close()'));
      return utterance;
    }
    if (!this.options.apiKey) {
      utterance.fail(new ProviderError(PROVIDER, 'API key missing'));
      return utterance;
    }
    this.queue.push(utterance);
    this.connect();
    return utterance;
  }

  async check(): Promise<ProviderCheck> {
    return this.options.apiKey
      ? { status: 'up', detail: `Deepgram STT: API key set (model ${this.model})` }
      : { status: 'down', detail: 'Deepgram STT: API key missing' };
  }

  /** `GET /v1/projects` on the REST side of the streaming host: the projects this key can see. */
  credentialProbe(): CredentialProbe | undefined {
    const { apiKey } = this.options;
    if (!apiKey) return undefined;
    const restBase = this.baseUrl.replace(/^ws/, 'http');
    return httpCredentialProbe({ provider: 'Deepgram', url: joinUrl(restBase, 'v1/projects'), headers: { Authorization: `Token ${apiKey}` }, secret: apiKey });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepAlive();
    for (const utterance of this.queue.splice(0)) utterance.settleWithWordsSoFar();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    if (socket.readyState !== WebSocket.OPEN) {
      socket.terminate();
      return;
    }
    const closedByServer = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.send(JSON.stringify({ type: 'CloseStream' }));
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    await closedByServer;
    clearTimeout(timer);
  }

  /** Sends whatever the queue holds that this socket has not carried yet, in order. */
  flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    for (const utterance of this.queue) {
      while (utterance.sent < utterance.audio.length) this.send(socket, utterance.audio[utterance.sent++]);
      // A later utterance's audio must not overtake this one's Finalize.
      if (!utterance.finalizeRequested) return;
      if (!utterance.finalizeSent) {
        this.send(socket, JSON.stringify({ type: 'Finalize' }));
        utterance.finalizeSent = true;
        utterance.armFinalizeTimer(() => this.complete(utterance));
      }
    }
  }

  /** Takes an utterance out of the queue and settles it with what it heard. */
  complete(utterance: DeepgramUtterance): void {
    this.remove(utterance);
    utterance.settleWithWordsSoFar();
  }

  remove(utterance: DeepgramUtterance): void {
    const index = this.queue.indexOf(utterance);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private get model(): string {
    return this.options.model ?? 'nova-3';
  }

  private get baseUrl(): string {
    return (this.options.baseUrl ?? 'wss://api.deepgram.com').replace(/\/+$/, '');
  }

  private connect(): void {
    if (this.socket || this.closed) return;
    const query = new URLSearchParams({
      model: this.model,
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
      punctuate: 'true',
      smart_format: 'true',
    });
    if (this.options.language) query.set('language', this.options.language);
    const baseUrl = this.baseUrl;
    let socket: WebSocket;
    try {
      socket = new WebSocket(`${baseUrl}/v1/listen?${query}`, {
        headers: { Authorization: `Token ${this.options.apiKey}` },
        handshakeTimeout: this.options.connectTimeoutMs ?? 5000,
      });
    } catch (err) {
      const failure = new ProviderError(PROVIDER, `base URL ${baseUrl} is not a ws:// or wss:// URL (${err instanceof Error ? err.message : String(err)})`);
      for (const utterance of this.queue.splice(0)) utterance.fail(failure);
      return;
    }
    this.socket = socket;
    let opened = false;
    let failure: ProviderError | undefined;

    socket.on('open', () => {
      opened = true;
      this.lastSendAt = Date.now();
      this.startKeepAlive(socket);
      this.flush();
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    let refused = false;
    socket.on('unexpected-response', (request, response: IncomingMessage) => {
      refused = true;
      void readHandshakeError(response, [this.options.apiKey]).then((message) => {
        failure = new ProviderError(PROVIDER, `${response.statusCode ?? 0} ${message}`, response.statusCode);
        request.destroy();
        this.onSocketGone(socket, opened, failure);
      });
    });
    socket.on('error', (err: Error) => {
      failure ??= new ProviderError(PROVIDER, `cannot connect to ${baseUrl}: ${redact(err.message, [this.options.apiKey])}`);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      // A refused handshake reports itself once its body (the reason) has been read.
      if (refused) return;
      failure ??= new ProviderError(PROVIDER, `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
      this.onSocketGone(socket, opened, failure);
    });
  }

  private onSocketGone(socket: WebSocket, opened: boolean, failure: ProviderError): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.stopKeepAlive();
    if (this.closed) return;
    if (!opened) {
      // Refused or unreachable: retrying at once would fail the same way; the next utterance retries.
      for (const utterance of this.queue.splice(0)) utterance.fail(failure);
      return;
    }
    for (const utterance of [...this.queue]) {
      if (utterance.discarded) this.remove(utterance);
      else if (!utterance.restart()) {
        this.remove(utterance);
        utterance.fail(new ProviderError(PROVIDER, `${failure.message.replace(`${PROVIDER}: `, '')}, again after ${MAX_REPLAYS} reconnects`));
      }
    }
    if (this.queue.length > 0) this.connect();
  }

  private onMessage(text: string): void {
    let message: { type?: string };
    try {
      message = JSON.parse(text) as { type?: string };
    } catch {
      return;
    }
    if (message.type !== 'Results') return;
    const results = message as DeepgramResults;
    const head = this.queue[0];
    if (!head) return;
    head.hear(results);
    if (results.from_finalize && head.finalizeSent) this.complete(head);
  }

  private send(socket: WebSocket, data: Buffer | string): void {
    this.lastSendAt = Date.now();
    socket.send(data);
  }

  private startKeepAlive(socket: WebSocket): void {
    const interval = this.options.keepAliveIntervalMs ?? 3000;
    this.stopKeepAlive();
    this.keepAlive = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN && Date.now() - this.lastSendAt >= interval) {
        // Must be a text frame: Deepgram takes binary frames as audio.
        this.send(socket, JSON.stringify({ type: 'KeepAlive' }));
      }
    }, interval);
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}

class DeepgramUtterance implements SttUtterance {
  /** This utterance's audio as sent on the wire, kept until it completes so a new socket can replay it. */
  readonly audio: Buffer[] = [];
  /** How many of `audio` the current socket has carried. */
  sent = 0;
  finalizeRequested = false;
  finalizeSent = false;
  discarded = false;
  private replays = 0;
  private finals: string[] = [];
  private confidences: number[] = [];
  private lastReported = '';
  private settled = false;
  private finalizeTimer: NodeJS.Timeout | undefined;
  private resolve!: (result: SttResult) => void;
  private reject!: (err: Error) => void;
  private readonly done = new Promise<SttResult>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly owner: DeepgramStt,
    private readonly options: UtteranceOptions,
    private readonly finalizeTimeoutMs: number,
  ) {
    // A failure before anyone awaits finish() must not surface as an unhandled rejection.
    this.done.catch(() => undefined);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) this.abort();
  }

  push(pcm: Int16Array): void {
    if (this.settled || this.finalizeRequested || pcm.length === 0) return;
    this.audio.push(Buffer.from(int16ToBytes(pcm))); // a copy: it may wait for a reconnect
    this.owner.flush();
  }

  finish(): Promise<SttResult> {
    if (!this.settled && !this.finalizeRequested) {
      if (this.audio.length === 0) {
        this.owner.remove(this);
        this.settle({ text: '' });
      } else {
        this.finalizeRequested = true;
        this.owner.flush();
      }
    }
    return this.done;
  }

  abort(): void {
    if (this.settled) return;
    this.discarded = true;
    this.settle({ text: '' });
    // Audio already on the wire still produces words: Finalize them so the next utterance starts clean.
    this.audio.length = this.sent;
    if (this.sent === 0) this.owner.remove(this);
    else if (!this.finalizeRequested) {
      this.finalizeRequested = true;
      this.owner.flush();
    }
  }

  hear(results: DeepgramResults): void {
    const alternative = results.channel?.alternatives?.[0];
    const transcript = (alternative?.transcript ?? '').trim();
    let interim = '';
    if (results.is_final) {
      if (transcript) {
        this.finals.push(transcript);
        if (typeof alternative?.confidence === 'number') this.confidences.push(alternative.confidence);
      }
    } else {
      interim = transcript;
    }
    const text = [...this.finals, interim].filter(Boolean).join(' ');
    if (text && text !== this.lastReported && !this.settled) {
      this.lastReported = text;
      try {
        this.options.onInterim?.(text);
      } catch {
        // A failing listener must not break the socket shared by later utterances.
      }
    }
  }

  armFinalizeTimer(onTimeout: () => void): void {
    clearTimeout(this.finalizeTimer);
    this.finalizeTimer = setTimeout(onTimeout, this.finalizeTimeoutMs);
    // An aborted utterance only waits to absorb its words: that must not hold the process open.
    if (this.discarded) this.finalizeTimer.unref();
  }

  /** Prepares a replay on a new socket; false once the utterance has been replayed too often. */
  restart(): boolean {
    if (++this.replays > MAX_REPLAYS) return false;
    clearTimeout(this.finalizeTimer);
    this.sent = 0;
    this.finalizeSent = false;
    this.finals = [];
    this.confidences = [];
    return true;
  }

  settleWithWordsSoFar(): void {
    clearTimeout(this.finalizeTimer);
    const confidence = this.confidences.length > 0 ? this.confidences.reduce((a, b) => a + b, 0) / this.confidences.length : undefined;
    this.settle(confidence === undefined ? { text: this.finals.join(' ') } : { text: this.finals.join(' '), confidence });
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.detach();
    this.reject(err);
  }

  private settle(result: SttResult): void {
    if (this.settled) return;
    this.settled = true;
    this.detach();
    this.resolve(result);
  }

  private detach(): void {
    clearTimeout(this.finalizeTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** Deepgram puts the reason for a refused handshake in the `dg-error` header and the body. */
async function readHandshakeError(response: IncomingMessage, secrets: readonly (string | undefined)[]): Promise<string> {
  const header = response.headers['dg-error'];
  const parts: Buffer[] = [];
  const body = await new Promise<string>((resolve) => {
    response.on('data', (part: Buffer) => parts.push(part));
    response.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    response.on('error', () => resolve(''));
    response.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
  const message = typeof header === 'string' && header ? header : providerMessage(body, response.statusMessage || 'handshake refused');
  return redact(message, secrets);
}
