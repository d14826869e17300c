import type { CloudRequest } from '../cloud/http';
import { InFlight, streamPcm16 } from '../cloud/pcm-request';
import type { ProviderCheck } from '../stt/stt';
import type { TextToSpeech } from './tts';

/**
 * A cloud text-to-speech that answers one HTTP request per sentence with raw 24 kHz mono PCM16,
 * streamed as it arrives. Closing aborts the requests still running.
 */
export abstract class HttpPcmTts implements TextToSpeech {
  abstract readonly name: string;
  readonly sampleRate = 24000;
  private readonly inFlight = new InFlight();

  abstract check(): Promise<ProviderCheck>;

  /** The provider's request for one sentence; the signal is added here. */
  protected abstract request(text: string): Omit<CloudRequest, 'signal'>;

  async *synthesize(text: string, signal?: AbortSignal): AsyncGenerator<Int16Array> {
    if (!text.trim() || signal?.aborted) return;
    const tracked = this.inFlight.track(signal);
    try {
      yield* streamPcm16({ ...this.request(text), signal: tracked.signal });
    } finally {
      tracked.release();
    }
  }

  async close(): Promise<void> {
    this.inFlight.abortAll();
  }
}
