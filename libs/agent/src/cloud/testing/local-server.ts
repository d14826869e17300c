import { bytesToInt16 } from '../../audio/pcm16';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a local protocol server saw: used by tests to assert the request a real provider requires. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions?api-version=2024-10-21`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type LocalHandler = (request: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  server: Server;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a random port that hands each fully read request to `handler`. */
export async function startLocalServer(handler: LocalHandler): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((raw, res) => {
    const parts: Buffer[] = [];
    raw.on('data', (part: Buffer) => parts.push(part));
    raw.on('end', () => {
      const recorded = { method: raw.method ?? '', url: raw.url ?? '', headers: raw.headers, body: Buffer.concat(parts) };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res, raw)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`local server handler failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `pieces` one by one with `delayMs` between them, then ends unless told not to (or the client left). */
export async function writeSlowly(res: ServerResponse, pieces: readonly (string | Uint8Array)[], delayMs: number, end = true): Promise<void> {
  for (const piece of pieces) {
    if (res.destroyed) return;
    res.write(piece);
    await sleep(delayMs);
  }
  if (end && !res.destroyed) res.end();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when the client closes its side of `res` (an aborted request). */
export function clientGone(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.once('close', () => resolve());
  });
}

/**
 * Real speech from espeak-ng, resampled by sox to mono PCM16 at `sampleRate`. Throws with a
 * clear message when either tool is missing, so a test never passes on silence.
 */
export function synthesizeSpeech(text: string, sampleRate = 16000): Int16Array {
  let raw: Buffer;
  try {
    const wav = execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '--stdout', text], { maxBuffer: 64 << 20 });
    raw = execFileSync('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', String(sampleRate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-L', '-'], {
      input: wav,
      maxBuffer: 64 << 20,
    });
  } catch (err) {
    throw new Error(`synthesizeSpeech needs espeak-ng and sox on PATH (apt-get install espeak-ng sox): ${err instanceof Error ? err.message : String(err)}`);
  }
  return bytesToInt16(raw).slice();
}

/** Cuts `bytes` into pieces of odd lengths, so samples straddle the piece boundaries. */
export function oddPieces(bytes: Buffer, sizes: readonly number[] = [1001, 777, 3, 4095]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    pieces.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

/** Concatenates PCM16 chunks into one array. */
export function joinPcm(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Index of the first sample where `a` and `b` differ (a length mismatch counts), or -1 when equal. */
export function firstDifference(a: Int16Array, b: Int16Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
