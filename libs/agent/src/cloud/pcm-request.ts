import { isAbortError } from './errors';
import { cloudFetch, type CloudRequest } from './http';
import { pcm16Chunks } from '../audio/pcm16';

/**
 * Runs a request whose answer is raw PCM16 and yields it as it arrives. Ends quietly when the
 * caller's signal aborts (the caller asked for it); every other failure throws.
 */
export async function* streamPcm16(request: CloudRequest): AsyncGenerator<Int16Array> {
  try {
    const response = await cloudFetch(request);
    yield* pcm16Chunks(response.chunks());
  } catch (err) {
    if (isAbortError(err) && request.signal?.aborted) return;
    throw err;
  }
}

/** Aborts every request still running when the provider is closed. */
export class InFlight {
  private readonly controllers = new Set<AbortController>();

  /** A signal that fires on the caller's abort or on `abortAll()`; call `release` when done. */
  track(signal?: AbortSignal): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    this.controllers.add(controller);
    return {
      signal: controller.signal,
      release: () => {
        signal?.removeEventListener('abort', onAbort);
        this.controllers.delete(controller);
      },
    };
  }

  abortAll(): void {
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
  }
}
