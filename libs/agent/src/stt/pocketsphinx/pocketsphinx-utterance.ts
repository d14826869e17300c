import type { SttResult, SttUtterance, UtteranceOptions } from '../stt';
import type { DecoderProcess, RecognitionEvent } from './decoder-process';
import { abortFrame, audioFrame, beginFrame, endFrame, hypothesisFrame } from './protocol';

/** What an utterance needs from the recogniser that runs it. */
export interface UtteranceHost {
  /** The utterance has its result (or failed, or was aborted): the next one may have the decoder. */
  release(utterance: PocketsphinxUtterance): void;
  finishTimeoutMs: number;
}

/**
 * One utterance on the shared warm decoder. Until it is its turn (the decoder is starting, or the
 * previous utterance is still being finished) its audio waits here; then it streams straight through.
 */
export class PocketsphinxUtterance implements SttUtterance {
  private state: 'waiting' | 'live' | 'done' = 'waiting';
  private finishing = false;
  private buffered: Int16Array[] = [];
  private decoder?: DecoderProcess;
  private timer?: NodeJS.Timeout;
  /** Requested hypotheses, answered in order. */
  private readonly asked: ((text: string) => void)[] = [];
  private readonly result: Promise<SttResult>;
  private resolveResult!: (result: SttResult) => void;
  private rejectResult!: (error: Error) => void;
  private readonly onAbortSignal = (): void => this.abort();

  constructor(
    readonly id: number,
    private readonly options: UtteranceOptions,
    private readonly host: UtteranceHost,
  ) {
    this.result = new Promise<SttResult>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A failure nobody asks for (finish() never called) must not surface as an unhandled rejection.
    this.result.catch(() => undefined);
    if (options.signal?.aborted) this.abort();
    else options.signal?.addEventListener('abort', this.onAbortSignal, { once: true });
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Still taking audio: neither finished nor over. */
  get open(): boolean {
    return this.state !== 'done' && !this.finishing;
  }

  /** Whether this utterance is streaming into `decoder` right now. */
  isLiveOn(decoder: DecoderProcess): boolean {
    return this.state === 'live' && this.decoder === decoder;
  }

  push(pcm: Int16Array): void {
    if (!this.open) return;
    if (this.state === 'live') this.decoder?.send(audioFrame(pcm));
    else this.buffered.push(pcm.slice());
  }

  /** Decodes what has been said so far (once the decoder has started on this utterance). */
  hypothesis(): Promise<string> {
    if (!this.open) return Promise.resolve('');
    return new Promise((resolve) => {
      this.asked.push(resolve);
      if (this.state === 'live') this.decoder?.send(hypothesisFrame());
    });
  }

  finish(): Promise<SttResult> {
    if (this.open) {
      this.finishing = true;
      if (this.state === 'live') this.sendEnd();
    }
    return this.result;
  }

  abort(): void {
    if (this.state === 'done') return;
    if (this.state === 'live') this.decoder?.send(abortFrame());
    this.complete({ text: '' });
  }

  /** The host's turn-taking: the decoder is ready and this utterance is first in line. */
  attach(decoder: DecoderProcess): void {
    if (this.state !== 'waiting') return;
    this.state = 'live';
    this.decoder = decoder;
    decoder.send(beginFrame(this.id));
    for (const pcm of this.buffered) decoder.send(audioFrame(pcm));
    this.buffered = [];
    for (let i = 0; i < this.asked.length; i++) decoder.send(hypothesisFrame());
    if (this.finishing) this.sendEnd();
  }

  onRecognition(event: RecognitionEvent): void {
    if (this.state !== 'live' || event.id !== this.id) return;
    if (event.type === 'interim') this.options.onInterim?.(event.text);
    else if (event.type === 'hypothesis') this.asked.shift()?.(event.text);
    else this.complete({ text: event.text });
  }

  fail(error: Error): void {
    if (this.state !== 'done') this.complete(error);
  }

  private sendEnd(): void {
    const decoder = this.decoder;
    decoder?.send(endFrame());
    this.timer = setTimeout(() => {
      // Killed first, so the next utterance (served as this one fails) gets a fresh decoder.
      decoder?.kill();
      this.fail(new Error(`Pocketsphinx STT: no result ${this.host.finishTimeoutMs} ms after the utterance ended; restarting the decoder`));
    }, this.host.finishTimeoutMs);
  }

  private complete(outcome: SttResult | Error): void {
    this.state = 'done';
    this.buffered = [];
    for (const answer of this.asked.splice(0)) answer('');
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbortSignal);
    if (outcome instanceof Error) this.rejectResult(outcome);
    else this.resolveResult(outcome);
    this.host.release(this);
  }
}
