import { ProviderError } from './errors';
import { cloudFetch, joinUrl } from './http';
import type { ProviderCheck } from '../stt/stt';

/** Where an Azure AI Speech resource is and how to sign in to it; shared by the STT, the TTS and the key check. */
export interface AzureSpeechOptions {
  /** The resource key, sent as `Ocp-Apim-Subscription-Key`. */
  key?: string;
  /** The resource's region (`eastus`): the public regional hosts are used. */
  region?: string;
  /**
   * The resource's own endpoint (`https://<name>.cognitiveservices.azure.com`, a private endpoint, a
   * sovereign cloud, or a local server), which takes precedence over `region`. Its services sit under
   * `/stt`, `/tts` and `/sts`, as Microsoft documents for custom-domain resources.
   */
  endpoint?: string;
}

export interface AzureSpeechUrls {
  /** The speech WebSocket for conversation-mode recognition (language and format are added as query). */
  recognition: string;
  /** The text-to-speech REST endpoint (SSML in, audio out). */
  synthesis: string;
  /** The token endpoint, the cheapest call that proves the key. */
  token: string;
}

/** The three URLs of a resource, from its endpoint or its region; throws when it has neither. */
export function azureSpeechUrls(options: AzureSpeechOptions): AzureSpeechUrls {
  if (options.endpoint) {
    const base = options.endpoint.replace(/\/+$/, '');
    return {
      recognition: joinUrl(base.replace(/^http/, 'ws'), 'stt/speech/recognition/conversation/cognitiveservices/v1'),
      synthesis: joinUrl(base, 'tts/cognitiveservices/v1'),
      token: joinUrl(base, 'sts/v1.0/issueToken'),
    };
  }
  const region = options.region?.trim().toLowerCase();
  if (!region || !/^[a-z0-9]+$/.test(region)) {
    throw new ProviderError('Azure Speech', region ? `region "${options.region}" is not an Azure region name` : 'region or endpoint missing');
  }
  return {
    recognition: `wss://${region}.stt.speech.microsoft.com/speech/recognition/conversation/cognitiveservices/v1`,
    synthesis: `https://${region}.tts.speech.microsoft.com/cognitiveservices/v1`,
    token: `https://${region}.api.cognitive.microsoft.com/sts/v1.0/issueToken`,
  };
}

/** Where the resource is, for people ("region eastus", "endpoint https://…"); never the key. */
export function azureSpeechWhere(options: AzureSpeechOptions): string {
  return options.endpoint ? `endpoint ${options.endpoint}` : `region ${options.region ?? '(none)'}`;
}

/**
 * Proves the key with the cheapest real call Azure Speech has: `POST /sts/v1.0/issueToken` answers
 * 200 with a short-lived token for a valid key and 401 for a wrong one, costs nothing, and runs no
 * speech. Never throws; the detail never contains the key.
 */
export async function verifyAzureSpeechKey(options: AzureSpeechOptions, timeoutMs = 5000): Promise<ProviderCheck> {
  if (!options.key) return { status: 'down', detail: 'azure speech: key missing (AZURE_SPEECH_KEY)' };
  let url: string;
  try {
    url = azureSpeechUrls(options).token;
  } catch (err) {
    return { status: 'down', detail: `azure speech: ${(err as Error).message.replace(/^Azure Speech: /, '')}` };
  }
  const where = azureSpeechWhere(options);
  try {
    const response = await cloudFetch({
      provider: 'azure speech',
      url,
      headers: { 'Ocp-Apim-Subscription-Key': options.key },
      timeoutMs,
      secrets: [options.key],
    });
    response.cancel(); // the token itself is not needed
    return { status: 'up', detail: `azure speech: key accepted (${where})` };
  } catch (err) {
    if (err instanceof ProviderError && (err.status === 401 || err.status === 403)) {
      return { status: 'down', detail: `azure speech: key rejected (${err.status}) by ${where}` };
    }
    return { status: 'down', detail: `azure speech: cannot verify the key (${(err as Error).message.replace(/^azure speech: /, '')})` };
  }
}

/**
 * Runs the key check at most once per `ttlMs` and shares it among concurrent callers, so /health
 * can ask on every request without a call to Azure each time. A failure is retried sooner.
 */
export class AzureSpeechKeyCheck {
  private cached: { at: number; result: ProviderCheck } | undefined;
  private running: Promise<ProviderCheck> | undefined;

  constructor(
    private readonly options: AzureSpeechOptions,
    private readonly ttlMs = 10 * 60_000,
    private readonly retryMs = 30_000,
  ) {}

  check(): Promise<ProviderCheck> {
    const cached = this.cached;
    if (cached && Date.now() - cached.at < (cached.result.status === 'up' ? this.ttlMs : this.retryMs)) return Promise.resolve(cached.result);
    this.running ??= verifyAzureSpeechKey(this.options).then((result) => {
      this.cached = { at: Date.now(), result };
      this.running = undefined;
      return result;
    });
    return this.running;
  }
}
