import { AbortedError, ProviderError, providerMessage, redact } from './errors';

export interface CloudRequest {
  /** Names the provider in errors: "OpenAI TTS". */
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | FormData;
  /** Limit for the response headers to arrive, and again for every gap between body chunks. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Values that must never reach an error message (API keys); replaced by "***". */
  secrets: readonly (string | undefined)[];
}

/** A response whose status was 2xx; its body is read through the same timeout and signal. */
export interface CloudResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body as it arrives. Breaking out of the loop cancels the request. */
  chunks(): AsyncGenerator<Uint8Array>;
  text(): Promise<string>;
  /** Releases the connection when the body will not be read. */
  cancel(): void;
}

/**
 * fetch() with what every cloud call here needs: a timeout (to the headers, and between body
 * chunks), the caller's AbortSignal, and non-2xx answers turned into a ProviderError that carries
 * the provider's own message and never the request's headers.
 */
export async function cloudFetch(request: CloudRequest): Promise<CloudResponse> {
  const call = new Call(request);
  return call.start();
}

class Call {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private answered = false;
  private finished = false;
  private readonly onCallerAbort = (): void => this.controller.abort();

  constructor(private readonly request: CloudRequest) {}

  async start(): Promise<CloudResponse> {
    const { signal } = this.request;
    if (signal?.aborted) throw new AbortedError(this.request.provider);
    signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm();
    let response: Response;
    try {
      response = await fetch(this.request.url, {
        method: this.request.method ?? 'POST',
        headers: this.request.headers,
        body: this.request.body,
        signal: this.controller.signal,
      });
    } catch (err) {
      this.finish();
      throw this.translate(err);
    }
    this.answered = true;
    if (!response.ok) {
      const body = await this.readAll(response).catch(() => '');
      this.finish();
      const message = providerMessage(body, response.statusText || 'request failed');
      throw new ProviderError(this.request.provider, `${response.status} ${redact(message, this.request.secrets)}`, response.status);
    }
    return {
      status: response.status,
      headers: response.headers,
      chunks: () => this.chunks(response),
      text: async () => {
        try {
          return await this.readAll(response);
        } finally {
          this.finish();
        }
      },
      cancel: () => this.finish(),
    };
  }

  private async *chunks(response: Response): AsyncGenerator<Uint8Array> {
    if (!response.body) return this.finish();
    const reader = response.body.getReader();
    try {
      for (;;) {
        this.arm();
        const { done, value } = await reader.read().catch((err: unknown) => {
          throw this.translate(err);
        });
        if (done) return;
        if (value.byteLength > 0) yield value;
      }
    } finally {
      this.finish();
    }
  }

  private async readAll(response: Response): Promise<string> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(response)) parts.push(Buffer.from(chunk));
    return Buffer.concat(parts).toString('utf8');
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.request.timeoutMs);
  }

  /** Idempotent: stops the timer, detaches from the caller's signal, and frees the socket. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.request.signal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }

  private translate(err: unknown): Error {
    const { provider } = this.request;
    if (this.request.signal?.aborted) return new AbortedError(provider);
    if (this.timedOut) {
      const what = this.answered ? 'stream stalled: nothing received for' : 'no response within';
      return new ProviderError(provider, `${what} ${this.request.timeoutMs} ms from ${origin(this.request.url)}`);
    }
    if (err instanceof ProviderError) return err;
    // Duck-typed: undici's errors can come from another realm (Jest's VM), where instanceof fails.
    const cause = (err as { cause?: unknown } | undefined)?.cause ?? err;
    const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
    const reason = typeof code === 'string' ? code : typeof message === 'string' ? message : String(cause);
    return new ProviderError(provider, `cannot reach ${origin(this.request.url)} (${redact(reason, this.request.secrets)})`);
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the configured URL';
  }
}

/** Joins a base URL and a path without doubling or losing the slash between them. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
