/** A failed call to a cloud provider, worded for people: "OpenAI TTS: 401 invalid api key". */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    detail: string,
    /** HTTP status when the provider answered; absent for timeouts and unreachable hosts. */
    readonly status?: number,
  ) {
    super(`${provider}: ${detail}`);
    this.name = 'ProviderError';
  }
}

/** The caller's AbortSignal fired; providers end quietly on it, since the caller asked for it. */
export class AbortedError extends Error {
  constructor(provider: string) {
    super(`${provider}: aborted`);
    this.name = 'AbortError';
  }
}

export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

const MAX_MESSAGE_CHARS = 300;

/**
 * Pulls the human message out of an error body. Providers disagree on the field:
 * OpenAI/Azure `{error:{message}}`, Ollama `{error:"…"}`, Deepgram `{err_msg}`, others `message`/`detail`.
 */
export function providerMessage(body: string, fallback: string): string {
  const text = body.trim();
  if (!text) return fallback;
  try {
    const found = messageIn(JSON.parse(text) as unknown);
    if (found) return clip(found);
  } catch {
    // Not JSON: the body itself is the message (a proxy's HTML page gets clipped).
  }
  return clip(text.replace(/\s+/g, ' '));
}

function messageIn(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['error', 'err_msg', 'message', 'detail', 'title']) {
    const found = messageIn(record[key]);
    if (found) return found;
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** Replaces every secret in `text` (an echoed key in a provider's message) with "***". */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
