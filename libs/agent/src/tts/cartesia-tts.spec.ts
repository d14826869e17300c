import type { ServerResponse } from 'node:http';
import { int16ToBytes } from '../audio/pcm16';
import {
  clientGone,
  firstDifference,
  joinPcm,
  oddPieces,
  startLocalServer,
  synthesizeSpeech,
  writeSlowly,
  type LocalServer,
} from '../cloud/testing/local-server';
import { CartesiaTts } from './cartesia-tts';

const KEY = 'sk_car_test_0123456789';
const VOICE = 'a0e99841-438c-4a64-b679-ae501e7d6091';
const TEXT = 'Doctor Smith can see you on Monday morning.';

describe('Cartesia TTS (protocol test against a local server speaking the Cartesia /tts/bytes API)', () => {
  const speech = synthesizeSpeech(TEXT, 24000);
  const speechBytes = int16ToBytes(speech);
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Checks what Cartesia requires; answers in the plain-text error form of 2025-04-16 otherwise. */
  async function startCartesia(send: (res: ServerResponse) => Promise<void>): Promise<LocalServer> {
    return startLocalServer(async (req, res) => {
      if (req.headers['x-api-key'] !== KEY) {
        res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Invalid API key');
        return;
      }
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(req.headers['cartesia-version']))) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad Request: Cartesia-Version header is required');
        return;
      }
      const body = JSON.parse(req.body.toString('utf8')) as unknown;
      const expected = {
        model_id: 'sonic-2',
        transcript: TEXT,
        voice: { mode: 'id', id: VOICE },
        output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24000 },
        language: 'en',
      };
      if (
        req.method !== 'POST' ||
        req.url !== '/tts/bytes' ||
        req.headers['content-type'] !== 'application/json' ||
        JSON.stringify(body) !== JSON.stringify(expected)
      ) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`Bad Request: unexpected ${req.method} ${req.url} ${req.body.toString('utf8')}`);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      await send(res);
    });
  }

  it('sends the documented headers and body, and streams raw PCM split at odd byte boundaries', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let serverDone = false;
    const pieces = oddPieces(speechBytes, [333, 1, 2047, 5]);
    server = await startCartesia(async (res) => {
      await writeSlowly(res, pieces.slice(0, 2), 10, false);
      await released;
      await writeSlowly(res, pieces.slice(2), 0);
      serverDone = true;
    });
    const tts = new CartesiaTts({ apiKey: KEY, baseUrl: server.origin, voiceId: VOICE });

    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize(TEXT)) {
      if (chunks.length === 0) {
        expect(serverDone).toBe(false);
        release();
      }
      chunks.push(chunk);
    }

    expect(server.requests[0].headers['cartesia-version']).toBe('2025-04-16');
    expect(tts.sampleRate).toBe(24000);
    const received = joinPcm(chunks);
    expect(received.length).toBe(speech.length);
    expect(firstDifference(received, speech)).toBe(-1);
  });

  it('aborts the request when the caller aborts, and ends without an error', async () => {
    let gone: Promise<void> | undefined;
    server = await startCartesia(async (res) => {
      gone = clientGone(res);
      await writeSlowly(res, oddPieces(Buffer.concat(Array.from({ length: 20 }, () => speechBytes))), 20);
    });
    const tts = new CartesiaTts({ apiKey: KEY, baseUrl: server.origin, voiceId: VOICE });
    const abort = new AbortController();

    let received = 0;
    for await (const chunk of tts.synthesize(TEXT, abort.signal)) {
      received += chunk.length;
      abort.abort();
    }
    expect(received).toBeGreaterThan(0);
    await gone;
  });

  it('turns a rejected key into "Cartesia TTS: 401 …" without the key, and a stalled stream into a timeout', async () => {
    server = await startCartesia(async () => undefined);
    const wrongKey = new CartesiaTts({ apiKey: 'sk_car_wrong_999999', baseUrl: server.origin, voiceId: VOICE });
    const error = await (async () => {
      for await (const _ of wrongKey.synthesize(TEXT)) throw new Error('no audio expected');
    })().catch((err: Error) => err);
    expect(error?.message).toBe('Cartesia TTS: 401 Invalid API key');
    expect(error?.message).not.toContain('sk_car_wrong');

    const stalled = new CartesiaTts({ apiKey: KEY, baseUrl: server.origin, voiceId: VOICE, timeoutMs: 150 });
    await expect(
      (async () => {
        for await (const _ of stalled.synthesize(TEXT)) throw new Error('no audio expected');
      })(),
    ).rejects.toThrow(`Cartesia TTS: stream stalled: nothing received for 150 ms from ${server.origin}`);
  });
});
