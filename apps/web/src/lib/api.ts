import type { ErrorBody } from '@voice/contracts/errors';
import { webConfig } from './config';

export type Service = 'persistence-api' | 'voice-api';

/** The API could not be reached or did not answer in time; pages say so instead of hanging. */
export class ServiceUnavailableError extends Error {
  constructor(readonly service: Service) {
    super(`${service} is unreachable`);
  }
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ErrorBody['error'] };

interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  token?: string;
  body?: unknown;
  timeoutMs?: number;
  /** Extra request headers (the browser's address for persistence-api's sign-in calls). */
  headers?: Record<string, string>;
}

const baseUrl = (service: Service) => (service === 'persistence-api' ? webConfig().PERSISTENCE_API_URL : webConfig().VOICE_API_URL);

/** One JSON call to an API on behalf of the signed-in user (bearer token) or anonymously. */
export async function callApi<T>(service: Service, path: string, options: CallOptions = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl(service)), {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      cache: 'no-store',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch {
    throw new ServiceUnavailableError(service);
  }
  if (res.status === 204) return { ok: true, status: 204, data: undefined as T };
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (res.ok) return { ok: true, status: res.status, data: body as T };
  if (res.status >= 500 && res.status !== 503) throw new ServiceUnavailableError(service);
  const error = (body as ErrorBody | undefined)?.error ?? { code: 'internal_error' as const, message: `${service} answered ${res.status}` };
  return { ok: false, status: res.status, error };
}

/** The message for one field from an API validation error (`body.email` → email). */
export function fieldErrors(error: ErrorBody['error']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of error.details ?? []) {
    const field = d.path.replace(/^(body|query|params)\./, '').split('.')[0];
    out[field] ??= d.message;
  }
  return out;
}
