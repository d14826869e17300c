import { httpCredentialProbe, type CredentialProbe } from '../cloud/credential-probe';
import { joinUrl, type CloudRequest } from '../cloud/http';
import type { ProviderCheck } from '../stt/stt';
import { HttpPcmTts } from './http-pcm-tts';

export interface CartesiaTtsOptions {
  apiKey?: string;
  /** Default `https://api.cartesia.ai`. */
  baseUrl?: string;
  /** Default `sonic-2`. */
  model?: string;
  /** A voice id from Cartesia's library; defaults to the one in Cartesia's quick-start. */
  voiceId?: string;
  /** The `Cartesia-Version` date the request is written against. Default `2025-04-16`. */
  version?: string;
  /** Default `en`. */
  language?: string;
  /** Limit for the first byte and for every later gap in the audio. Default 15 s. */
  timeoutMs?: number;
}

const QUICKSTART_VOICE = '694f9389-aac1-45b6-b726-9d9369183238';

/** Cartesia Sonic (`POST /tts/bytes`), asked for raw 24 kHz PCM16 so it streams without a container. */
export class CartesiaTts extends HttpPcmTts {
  readonly name = 'cartesia';

  constructor(private readonly options: CartesiaTtsOptions) {
    super();
  }

  async check(): Promise<ProviderCheck> {
    return this.options.apiKey
      ? { status: 'up', detail: `Cartesia TTS: API key set (model ${this.model}, voice ${this.voiceId})` }
      : { status: 'down', detail: 'Cartesia TTS: API key missing' };
  }

  /** `GET /voices?limit=1`: the smallest page of the voice library, served to any valid key. */
  credentialProbe(): CredentialProbe | undefined {
    const { apiKey } = this.options;
    if (!apiKey) return undefined;
    return httpCredentialProbe({
      provider: 'Cartesia',
      url: `${joinUrl(this.baseUrl, 'voices')}?limit=1`,
      headers: { 'X-API-Key': apiKey, 'Cartesia-Version': this.version },
      secret: apiKey,
    });
  }

  protected request(text: string): Omit<CloudRequest, 'signal'> {
    const { apiKey } = this.options;
    return {
      provider: 'Cartesia TTS',
      url: joinUrl(this.baseUrl, 'tts/bytes'),
      headers: {
        'Content-Type': 'application/json',
        'Cartesia-Version': this.version,
        ...(apiKey ? { 'X-API-Key': apiKey } : {}),
      },
      body: JSON.stringify({
        model_id: this.model,
        transcript: text,
        voice: { mode: 'id', id: this.voiceId },
        output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: this.sampleRate },
        language: this.options.language ?? 'en',
      }),
      timeoutMs: this.options.timeoutMs ?? 15_000,
      secrets: [apiKey],
    };
  }

  private get model(): string {
    return this.options.model ?? 'sonic-2';
  }

  private get baseUrl(): string {
    return this.options.baseUrl ?? 'https://api.cartesia.ai';
  }

  private get version(): string {
    return this.options.version ?? '2025-04-16';
  }

  private get voiceId(): string {
    return this.options.voiceId ?? QUICKSTART_VOICE;
  }
}
