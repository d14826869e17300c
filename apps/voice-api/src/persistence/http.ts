import { ErrorBody } from '@voice/contracts/errors';
import { PersistenceError } from './persistence-error';

export interface HttpCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** Safe to send twice: it is then retried once when a kept-alive connection turns out to be dead. */
  idempotent?: boolean;
}

/** A pooled connection the server had closed (say, persistence-api restarted) fails like this before anything was sent. */
const STALE_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);
const causeCode = (err: unknown) => (err as { cause?: { code?: string } } | undefined)?.cause?.code;

/** The path without its query, so log lines carry no phone numbers or other look-up values. */
const describe = (call: HttpCall) => `${call.method} ${new URL(call.url).pathname}`;

/**
 * One bounded HTTP exchange with persistence-api. Resolves with any answer that arrived (the
 * caller decides what a status means); rejects with a PersistenceError when none did.
 */
export async function send(call: HttpCall): Promise<{ status: number; body: unknown }> {
  const attempt = () =>
    fetch(call.url, {
      method: call.method,
      headers: { accept: 'application/json', ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  let response: Response;
  try {
    response = await attempt().catch((err: unknown) => {
      if (call.idempotent && STALE_CONNECTION.has(causeCode(err) ?? '')) return attempt();
      throw err;
    });
  } catch (err) {
    throw transportError(err, call);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (err) {
    throw transportError(err, call);
  }
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body };
}

function transportError(err: unknown, call: HttpCall): PersistenceError {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PersistenceError('timeout', `persistence-api did not answer ${describe(call)} within ${call.timeoutMs} ms`);
  }
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new PersistenceError('unreachable', `persistence-api is unreachable at ${new URL(call.url).origin} (${describe(call)}): ${reason}`);
}

/** The error an HTTP error answer stands for, quoting persistence-api's own message. */
export function statusError(call: HttpCall, status: number, body: unknown): PersistenceError {
  const parsed = ErrorBody.safeParse(body);
  const detail = parsed.success ? `: ${parsed.data.error.message}` : '';
  const error = parsed.data?.error;
  return new PersistenceError(
    'status',
    `persistence-api answered ${status} to ${describe(call)}${detail}`,
    status,
    error?.code,
    error?.details?.map((d) => d.path),
  );
}

export function contractError(call: HttpCall, status: number, problem: string): PersistenceError {
  return new PersistenceError('contract', `persistence-api answered ${describe(call)} with a body that breaks the contract: ${problem}`, status);
}
