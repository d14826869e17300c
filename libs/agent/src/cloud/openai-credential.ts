import { httpCredentialProbe, type CredentialProbe } from './credential-probe';
import { joinUrl } from './http';

export interface OpenAiCredentialOptions {
  apiKey?: string;
  baseUrl: string;
  /** Set for Azure OpenAI: the key goes in `api-key` and the call carries `?api-version=`. */
  azureApiVersion?: string;
}

/**
 * `GET {base}/models`, the models list every OpenAI-compatible API serves to any valid key. For
 * Azure OpenAI the base is a deployment URL (`…/openai/deployments/<name>`), and the list lives
 * beside the deployments (`…/openai/models?api-version=`). No key, no probe: a keyless endpoint
 * (Ollama, vLLM) has no credential to verify.
 */
export function openAiCredentialProbe({ apiKey, baseUrl, azureApiVersion }: OpenAiCredentialOptions): CredentialProbe | undefined {
  if (!apiKey) return undefined;
  if (azureApiVersion) {
    const root = baseUrl.replace(/\/deployments\/[^/]+\/*$/, '');
    const url = `${joinUrl(root, 'models')}?api-version=${encodeURIComponent(azureApiVersion)}`;
    return httpCredentialProbe({ provider: 'Azure OpenAI', url, headers: { 'api-key': apiKey }, secret: apiKey });
  }
  return httpCredentialProbe({ provider: 'OpenAI', url: joinUrl(baseUrl, 'models'), headers: { Authorization: `Bearer ${apiKey}` }, secret: apiKey });
}
