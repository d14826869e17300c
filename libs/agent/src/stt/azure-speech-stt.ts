import {
  AudioConfig,
  AudioInputStream,
  AudioStreamFormat,
  CancellationErrorCode,
  CancellationReason,
  OutputFormat,
  PropertyId,
  ResultReason,
  SpeechConfig,
  SpeechRecognizer,
  type PushAudioInputStream,
  type SpeechRecognitionCanceledEventArgs,
  type SpeechRecognitionResult,
} from 'microsoft-cognitiveservices-speech-sdk';
import { azureSpeechCheck, azureSpeechCredentialProbe, azureSpeechUrls, type AzureSpeechOptions } from '../cloud/azure-speech';
import type { CredentialProbe } from '../cloud/credential-probe';
import { ProviderError, redact } from '../cloud/errors';
import type { ProviderCheck, SpeechToText, SttResult, SttUtterance, UtteranceOptions } from './stt';

export type { AzureSpeechOptions } from '../cloud/azure-speech';

export interface AzureSpeechSttOptions extends AzureSpeechOptions {
  /** BCP-47 recognition language. Default `en-US`. */
  language?: string;
  /** How long `finish()` waits for the service to end the turn before settling for the words it has. Default 5 s. */
  finishTimeoutMs?: number;
}

const PROVIDER = 'Azure Speech STT';

/**
 * Azure AI Speech recognition through Microsoft's Speech SDK. Each utterance is one continuous
 * recognition over a push stream: `recognizing` events are the interim words, `recognized` events
 * the final phrases (conversation mode splits long speech into several), and closing the stream at
 * `finish()` tells the service the audio has ended, so the last phrase arrives at once instead of
 * after Azure's own end-of-speech silence; our VAD has already decided where the utterance ends.
 */
export class AzureSpeechStt implements SpeechToText {
  readonly name = 'azure';
  private readonly live = new Set<AzureUtterance>();

  constructor(private readonly options: AzureSpeechSttOptions) {}

  startUtterance(options: UtteranceOptions = {}): SttUtterance {
    const utterance = new AzureUtterance(options, this.options.finishTimeoutMs ?? 5000, [this.options.key], () => this.live.delete(utterance));
    if (!this.options.key) {
      utterance.fail(new ProviderError(PROVIDER, 'key missing'));
      return utterance;
    }
    let config: SpeechConfig;
    try {
      config = SpeechConfig.fromEndpoint(new URL(azureSpeechUrls(this.options).recognition), this.options.key);
    } catch (err) {
      utterance.fail(new ProviderError(PROVIDER, (err as Error).message.replace(/^Azure Speech: /, '')));
      return utterance;
    }
    config.speechRecognitionLanguage = this.options.language ?? 'en-US';
    config.outputFormat = OutputFormat.Detailed;
    this.live.add(utterance);
    utterance.start(config);
    return utterance;
  }

  async check(): Promise<ProviderCheck> {
    return azureSpeechCheck(PROVIDER, this.options, `language ${this.options.language ?? 'en-US'}`);
  }

  /** The token request, shared with the TTS of the same resource (see azureSpeechCredentialProbe). */
  credentialProbe(): CredentialProbe | undefined {
    return azureSpeechCredentialProbe(this.options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.live].map((utterance) => utterance.closeNow()));
  }
}

class AzureUtterance implements SttUtterance {
  private stream: PushAudioInputStream | undefined;
  private recognizer: SpeechRecognizer | undefined;
  private readonly finals: string[] = [];
  private readonly confidences: number[] = [];
  private interim = '';
  private lastReported = '';
  private ending = false;
  private settled = false;
  private finishTimer: NodeJS.Timeout | undefined;
  private resolve!: (result: SttResult) => void;
  private reject!: (err: Error) => void;
  private readonly done = new Promise<SttResult>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly options: UtteranceOptions,
    private readonly finishTimeoutMs: number,
    private readonly secrets: readonly (string | undefined)[],
    private readonly onGone: () => void,
  ) {
    // A failure before anyone awaits finish() must not surface as an unhandled rejection.
    this.done.catch(() => undefined);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  start(config: SpeechConfig): void {
    if (this.options.signal?.aborted) return this.abort();
    this.stream = AudioInputStream.createPushStream(AudioStreamFormat.getWaveFormatPCM(16000, 16, 1));
    const recognizer = new SpeechRecognizer(config, AudioConfig.fromStreamInput(this.stream));
    this.recognizer = recognizer;
    recognizer.recognizing = (_sender, event) => {
      this.interim = event.result.text ?? '';
      this.report();
    };
    recognizer.recognized = (_sender, event) => this.hear(event.result);
    recognizer.canceled = (_sender, event) => this.onCanceled(event);
    // The service ends the turn once it has answered for all the audio: the words are complete.
    recognizer.sessionStopped = () => this.settleWithWordsSoFar();
    recognizer.startContinuousRecognitionAsync(
      () => undefined,
      (error: string) => this.fail(new ProviderError(PROVIDER, redact(error, this.secrets))),
    );
  }

  push(pcm: Int16Array): void {
    if (this.settled || this.ending || pcm.length === 0 || !this.stream) return;
    // A copy: the SDK keeps the buffer until it is sent.
    this.stream.write(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength) as ArrayBuffer);
  }

  finish(): Promise<SttResult> {
    if (!this.settled && !this.ending) {
      this.ending = true;
      this.stream?.close();
      this.finishTimer = setTimeout(() => this.settleWithWordsSoFar(), this.finishTimeoutMs);
    }
    return this.done;
  }

  abort(): void {
    if (this.settled) return;
    this.settle({ text: '' });
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
    void this.release();
  }

  /** Settles with what was heard and waits for the connection to close (the provider is closing). */
  async closeNow(): Promise<void> {
    this.settleWithWordsSoFar();
    await this.release();
  }

  private hear(result: SpeechRecognitionResult): void {
    if (result.reason !== ResultReason.RecognizedSpeech) return;
    const text = (result.text ?? '').trim();
    this.interim = '';
    if (!text) return;
    this.finals.push(text);
    const confidence = confidenceOf(result);
    if (confidence !== undefined) this.confidences.push(confidence);
    this.report();
  }

  private report(): void {
    const text = [...this.finals, this.interim.trim()].filter(Boolean).join(' ');
    if (!text || text === this.lastReported || this.settled) return;
    this.lastReported = text;
    try {
      this.options.onInterim?.(text);
    } catch {
      // A failing listener must not stop the recognition.
    }
  }

  private onCanceled(event: SpeechRecognitionCanceledEventArgs): void {
    if (event.reason === CancellationReason.EndOfStream) return this.settleWithWordsSoFar();
    this.fail(new ProviderError(PROVIDER, describeCancellation(event, this.secrets), statusOf(event)));
  }

  private settleWithWordsSoFar(): void {
    const text = this.finals.join(' ');
    const confidence = this.confidences.length > 0 ? this.confidences.reduce((a, b) => a + b, 0) / this.confidences.length : undefined;
    this.settle(confidence === undefined ? { text } : { text, confidence });
  }

  private settle(result: SttResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(result);
    void this.release();
  }

  private releasing: Promise<void> | undefined;
  /** Stops the recognizer and closes its connection; safe to call more than once. */
  private release(): Promise<void> {
    this.releasing ??= (async () => {
      clearTimeout(this.finishTimer);
      this.options.signal?.removeEventListener('abort', this.onAbort);
      const recognizer = this.recognizer;
      this.recognizer = undefined;
      if (!this.ending) this.stream?.close();
      if (recognizer) {
        await new Promise<void>((resolve) => recognizer.stopContinuousRecognitionAsync(resolve, () => resolve()));
        await new Promise<void>((resolve) => recognizer.close(resolve, () => resolve()));
      }
      this.onGone();
    })();
    return this.releasing;
  }
}

/** Azure's own confidence for the best alternative, from the detailed result. */
function confidenceOf(result: SpeechRecognitionResult): number | undefined {
  try {
    const json = JSON.parse(result.properties.getProperty(PropertyId.SpeechServiceResponse_JsonResult, '{}')) as { NBest?: { Confidence?: unknown }[] };
    const confidence = json.NBest?.[0]?.Confidence;
    return typeof confidence === 'number' ? confidence : undefined;
  } catch {
    return undefined;
  }
}

function statusOf(event: SpeechRecognitionCanceledEventArgs): number | undefined {
  const found = /(?:response|status)[:\s]+([1-5]\d\d)\b/i.exec(event.errorDetails ?? '');
  if (found) return Number(found[1]);
  if (event.errorCode === CancellationErrorCode.AuthenticationFailure) return 401;
  if (event.errorCode === CancellationErrorCode.Forbidden) return 403;
  return undefined;
}

/** "401 authentication failed (…)": the code first, then the SDK's details, without the key. */
function describeCancellation(event: SpeechRecognitionCanceledEventArgs, secrets: readonly (string | undefined)[]): string {
  const status = statusOf(event);
  const what = CancellationErrorCode[event.errorCode] ?? 'Error';
  const details = redact((event.errorDetails ?? '').replace(/\s+/g, ' ').trim(), secrets);
  const hint =
    status === 401 || event.errorCode === CancellationErrorCode.AuthenticationFailure
      ? 'key rejected: check AZURE_SPEECH_KEY and that it belongs to the configured region or endpoint'
      : what;
  return `${status ? `${status} ` : ''}${hint}${details ? ` (${details})` : ''}`;
}
