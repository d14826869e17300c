import { joinUrl } from '../cloud/http';
import { InFlight, streamPcm16 } from '../cloud/pcm-request';
import type { ProviderCheck } from '../stt/stt';
import type { TextToSpeech } from './tts';

export interface OpenAiTtsOptions {
  apiKey?: string;
  /** Default `https://api.openai.com/v1`. */
  baseUrl?: string;
  /** Default `gpt-4o-mini-tts`. */
  model?: string;
  /** Default `alloy`. */
  voice?: string;
  /** Limit for the first byte and for every later gap in the audio. Default 15 s. */
  timeoutMs?: number;
}

/** OpenAI text to speech (`POST /audio/speech`), streamed as raw 24 kHz mono PCM16. */
export class OpenAiTts implements TextToSpeech {
  readonly name = 'openai';
  /** `response_format: "pcm"` is always 24 kHz, 16-bit signed little-endian, mono. */
  readonly sampleRate = 24000;
  private readonly inFlight = new InFlight();

  constructor(private readonly options: OpenAiTtsOptions) {}

  async check(): Promise<ProviderCheck> {
    return this.options.apiKey
      ? { status: 'up', detail: `OpenAI TTS: API key set (model ${this.model}, voice ${this.voice})` }
      : { status: 'down', detail: 'OpenAI TTS: API key missing' };
  }

  async *synthesize(text: string, signal?: AbortSignal): AsyncGenerator<Int16Array> {
    if (!text.trim() || signal?.aborted) return;
    const { apiKey } = this.options;
    const tracked = this.inFlight.track(signal);
    try {
      yield* streamPcm16({
        provider: 'OpenAI TTS',
        url: joinUrl(this.options.baseUrl ?? 'https://api.openai.com/v1', 'audio/speech'),
        headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({ model: this.model, voice: this.voice, input: text, response_format: 'pcm' }),
        timeoutMs: this.options.timeoutMs ?? 15_000,
        signal: tracked.signal,
        secrets: [apiKey],
      });
    } finally {
      tracked.release();
    }
  }

  async close(): Promise<void> {
    this.inFlight.abortAll();
  }

  private get model(): string {
    return this.options.model ?? 'gpt-4o-mini-tts';
  }

  private get voice(): string {
    return this.options.voice ?? 'alloy';
  }
}
