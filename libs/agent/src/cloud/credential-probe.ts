import { createHash } from 'node:crypto';
import { cloudFetch } from './http';

/**
 * The cheapest authenticated call a provider offers, made to learn whether it accepts our
 * credential: "key is set" says nothing about a mistyped, revoked or wrong-region key.
 */
export interface CredentialProbe {
  /** Names the provider in verdicts: "Deepgram", "OpenAI", "LiveKit". */
  readonly provider: string;
  /** Probes asking the same question (same endpoint, same key) share one cached verdict. Never holds the key itself. */
  readonly id: string;
  /**
   * Resolves when the provider accepted the credential. Rejects otherwise, with the error's `status`
   * set to the HTTP status when the provider answered (401/403: the credential was refused).
   */
  verify(): Promise<void>;
}

/**
 * accepted: the provider answered 2xx. rejected: it refused the credential (401/403), so this
 * instance cannot serve until the setting is fixed. unavailable: no answer, or another error
 * status: the provider or the network is the problem, not the credential.
 */
export type CredentialVerdict = { outcome: 'accepted' | 'rejected' | 'unavailable'; detail: string };

/** Runs a probe and words its outcome for a log line or /health; never throws. */
export async function runCredentialProbe(probe: CredentialProbe): Promise<CredentialVerdict> {
  try {
    await probe.verify();
    return { outcome: 'accepted', detail: `${probe.provider}: credential accepted` };
  } catch (err) {
    const status = (err as { status?: unknown } | undefined)?.status;
    if (status === 401 || status === 403) return { outcome: 'rejected', detail: `${probe.provider}: credential rejected (${status})` };
    const message = err instanceof Error ? err.message : String(err);
    return { outcome: 'unavailable', detail: message.startsWith(`${probe.provider}`) ? message : `${probe.provider}: ${message}` };
  }
}

export interface HttpCredentialProbeOptions {
  provider: string;
  /** A call that needs the credential and returns little: a models, projects or voices list. */
  url: string;
  /** Default GET; POST for a provider whose cheapest such call is one (Azure Speech's token request). */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The credential in `headers`: kept out of every message and out of the probe's id. */
  secret: string;
  /** Default 5 s. */
  timeoutMs?: number;
}

/** A probe that calls `url` (GET unless told) with the credential in `headers`; 2xx means accepted. */
export function httpCredentialProbe(options: HttpCredentialProbeOptions): CredentialProbe {
  const { provider, url, method = 'GET', headers, secret } = options;
  return {
    provider,
    id: `${provider} ${method} ${url} ${fingerprint(secret)}`,
    verify: async () => {
      const response = await cloudFetch({ provider, url, method, headers, timeoutMs: options.timeoutMs ?? 5000, secrets: [secret] });
      response.cancel();
    },
  };
}

/** Tells keys apart in an id without revealing them. */
export function fingerprint(secret: string): string {
  return `key#${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}
