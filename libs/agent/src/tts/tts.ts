import type { ProviderCheck } from '../stt/stt';

export interface TextToSpeech {
  readonly name: string;
  /** Sample rate of the PCM this provider yields (mono, signed 16-bit). */
  readonly sampleRate: number;
  /** Streams the speech for `text` as PCM16 chunks of any length, starting as soon as the first is ready. */
  synthesize(text: string, signal?: AbortSignal): AsyncIterable<Int16Array>;
  check(): Promise<ProviderCheck>;
  close(): Promise<void>;
}
