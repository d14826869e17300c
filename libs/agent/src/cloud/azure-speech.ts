import type { ProviderCheck } from '../stt/stt';
import { httpCredentialProbe, type CredentialProbe } from './credential-probe';
import { ProviderError } from './errors';
import { joinUrl } from './http';

/** Where an Azure AI Speech resource is and how to sign in to it; shared by the STT, the TTS and the credential probe. */
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
 * What a stage's check() can tell without calling Azure: the key is set and the resource can be
 * found. Whether Azure accepts the key is the credential probe's question.
 */
export function azureSpeechCheck(stage: string, options: AzureSpeechOptions, what: string): ProviderCheck {
  if (!options.key) return { status: 'down', detail: `${stage}: key missing (AZURE_SPEECH_KEY)` };
  try {
    azureSpeechUrls(options);
  } catch (err) {
    return { status: 'down', detail: `${stage}: ${(err as Error).message.replace(/^Azure Speech: /, '')}` };
  }
  return { status: 'up', detail: `${stage}: key set (${azureSpeechWhere(options)}, ${what})` };
}

/**
 * The cheapest real call Azure Speech has: `POST /sts/v1.0/issueToken` answers 200 with a
 * short-lived token for a valid key and 401 for a wrong one, costs nothing and runs no speech. The
 * STT and the TTS of one resource get the same probe id, so one verdict (one request) serves both.
 * None without a key or a resource to ask: check() reports those.
 */
export function azureSpeechCredentialProbe(options: AzureSpeechOptions): CredentialProbe | undefined {
  const { key } = options;
  if (!key) return undefined;
  let url: string;
  try {
    url = azureSpeechUrls(options).token;
  } catch {
    return undefined;
  }
  return httpCredentialProbe({ provider: 'Azure Speech', method: 'POST', url, headers: { 'Ocp-Apim-Subscription-Key': key }, secret: key });
}
