import type { CredentialProbe } from '../cloud/credential-probe';
import { joinUrl, type CloudRequest } from '../cloud/http';
import { openAiCredentialProbe } from '../cloud/openai-credential';
import type { ProviderCheck } from '../stt/stt';
import { HttpPcmTts } from './http-pcm-tts';

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

/**
 * OpenAI text to speech (`POST /audio/speech`), streamed as raw PCM16: `response_format: "pcm"` is always
 * 24 kHz, 16-bit signed little-endian, mono, what HttpPcmTts expects.
 */
export class OpenAiTts extends HttpPcmTts {
  readonly name = 'openai';

  constructor(private readonly options: OpenAiTtsOptions) {
    super();
  }

  async check(): Promise<ProviderCheck> {
    return this.options.apiKey
      ? { status: 'up', detail: `OpenAI TTS: API key set (model ${this.model}, voice ${this.voice})` }
      : { status: 'down', detail: 'OpenAI TTS: API key missing' };
  }

  credentialProbe(): CredentialProbe | undefined {
    return openAiCredentialProbe({ apiKey: this.options.apiKey, baseUrl: this.options.baseUrl ?? 'https://api.openai.com/v1' });
  }

  protected request(text: string): Omit<CloudRequest, 'signal'> {
    const { apiKey } = this.options;
    return {
      provider: 'OpenAI TTS',
      url: joinUrl(this.options.baseUrl ?? 'https://api.openai.com/v1', 'audio/speech'),
      headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({ model: this.model, voice: this.voice, input: text, response_format: 'pcm' }),
      timeoutMs: this.options.timeoutMs ?? 15_000,
      secrets: [apiKey],
    };
  }

  private get model(): string {
    return this.options.model ?? 'gpt-4o-mini-tts';
  }

  private get voice(): string {
    return this.options.voice ?? 'alloy';
  }
}
