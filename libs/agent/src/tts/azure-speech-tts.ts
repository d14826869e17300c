import { azureSpeechCheck, azureSpeechCredentialProbe, azureSpeechUrls, type AzureSpeechOptions } from '../cloud/azure-speech';
import type { CredentialProbe } from '../cloud/credential-probe';
import { ProviderError } from '../cloud/errors';
import type { CloudRequest } from '../cloud/http';
import type { ProviderCheck } from '../stt/stt';
import { HttpPcmTts } from './http-pcm-tts';

export interface AzureSpeechTtsOptions extends AzureSpeechOptions {
  /** A neural voice name from Azure's voice list. Default `en-US-AvaMultilingualNeural`. */
  voice?: string;
  /** The SSML `xml:lang`. Default `en-US`. */
  language?: string;
  /** Limit for the first byte and for every later gap in the audio. Default 15 s. */
  timeoutMs?: number;
}

const PROVIDER = 'Azure Speech TTS';

/**
 * Azure AI Speech text to speech over its REST API: `POST /cognitiveservices/v1` with SSML, asked
 * for `raw-24khz-16bit-mono-pcm` (no container), which Azure streams as it synthesises.
 */
export class AzureSpeechTts extends HttpPcmTts {
  readonly name = 'azure';

  constructor(private readonly options: AzureSpeechTtsOptions) {
    super();
  }

  async check(): Promise<ProviderCheck> {
    return azureSpeechCheck(PROVIDER, this.options, `voice ${this.voice}`);
  }

  /** The token request, shared with the STT of the same resource (see azureSpeechCredentialProbe). */
  credentialProbe(): CredentialProbe | undefined {
    return azureSpeechCredentialProbe(this.options);
  }

  protected request(text: string): Omit<CloudRequest, 'signal'> {
    const { key } = this.options;
    if (!key) throw new ProviderError(PROVIDER, 'key missing');
    let url: string;
    try {
      url = azureSpeechUrls(this.options).synthesis;
    } catch (err) {
      throw new ProviderError(PROVIDER, (err as Error).message.replace(/^Azure Speech: /, ''));
    }
    return {
      provider: PROVIDER,
      url,
      headers: {
        'Ocp-Apim-Subscription-Key': key,
        'Content-Type': 'application/ssml+xml',
        'X-Microsoft-OutputFormat': 'raw-24khz-16bit-mono-pcm',
        'User-Agent': 'voice-api',
      },
      body: ssml(text, this.voice, this.options.language ?? 'en-US'),
      timeoutMs: this.options.timeoutMs ?? 15_000,
      secrets: [key],
    };
  }

  private get voice(): string {
    return this.options.voice ?? 'en-US-AvaMultilingualNeural';
  }
}

/** One sentence as SSML for one voice; the text is escaped, so "<", "&" and quotes are spoken, not parsed. */
export function ssml(text: string, voice: string, language: string): string {
  return (
    `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="${escapeXml(language)}">` +
    `<voice name="${escapeXml(voice)}">${escapeXml(text)}</voice></speak>`
  );
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  // Control characters are not allowed in XML 1.0 at all, even escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}
