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
import { OpenAiTts } from './openai-tts';

const KEY = 'sk-test-tts-0123456789';
const TEXT = 'Your appointment is on Thursday at ten.';

describe('OpenAI TTS (protocol test against a local server speaking the OpenAI audio/speech API with response_format pcm)', () => {
  // Real speech at the rate OpenAI's "pcm" format has (24 kHz, 16-bit little-endian, mono).
  const speech = synthesizeSpeech(TEXT, 24000);
  const speechBytes = int16ToBytes(speech);
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Answers like OpenAI when the request is the documented one, with `401`/`400` otherwise. */
  async function startSpeechServer(send: (res: import('node:http').ServerResponse) => Promise<void>): Promise<LocalServer> {
    return startLocalServer(async (req, res) => {
      if (req.headers['authorization'] !== `Bearer ${KEY}`) {
        res
          .writeHead(401, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      const body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
      const wellFormed =
        req.method === 'POST' &&
        req.url === '/v1/audio/speech' &&
        req.headers['content-type'] === 'application/json' &&
        body['model'] === 'gpt-4o-mini-tts' &&
        body['voice'] === 'coral' &&
        body['input'] === TEXT &&
        body['response_format'] === 'pcm';
      if (!wellFormed) {
        res
          .writeHead(400, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: { message: `unexpected request ${req.url} ${req.body.toString('utf8')}` } }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'audio/pcm', 'Transfer-Encoding': 'chunked' });
      await send(res);
    });
  }

  it('yields the first audio before the server has finished, and reassembles samples split at odd byte boundaries', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let serverDone = false;
    const pieces = oddPieces(speechBytes);
    server = await startSpeechServer(async (res) => {
      await writeSlowly(res, pieces.slice(0, 3), 10, false);
      await released;
      if (res.destroyed) return;
      await writeSlowly(res, pieces.slice(3), 1);
      serverDone = true;
    });
    const tts = new OpenAiTts({ apiKey: KEY, baseUrl: `${server.origin}/v1`, voice: 'coral' });

    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize(TEXT)) {
      if (chunks.length === 0) {
        expect(serverDone).toBe(false);
        release();
      }
      chunks.push(chunk);
    }

    expect(tts.sampleRate).toBe(24000);
    expect(chunks.length).toBeGreaterThan(1);
    const received = joinPcm(chunks);
    expect(received.length).toBe(speech.length);
    expect(firstDifference(received, speech)).toBe(-1);
  });

  it('aborts the request when the caller aborts, and ends without an error', async () => {
    let gone: Promise<void> | undefined;
    server = await startSpeechServer(async (res) => {
      gone = clientGone(res);
      // Far more audio than the test reads, slowly: only the abort can end this.
      await writeSlowly(res, oddPieces(Buffer.concat(Array.from({ length: 20 }, () => speechBytes))), 20);
    });
    const tts = new OpenAiTts({ apiKey: KEY, baseUrl: `${server.origin}/v1`, voice: 'coral' });
    const abort = new AbortController();

    let received = 0;
    for await (const chunk of tts.synthesize(TEXT, abort.signal)) {
      received += chunk.length;
      abort.abort();
    }
    expect(received).toBeGreaterThan(0);
    await gone;
  });

  it('close() stops a synthesis still running', async () => {
    let gone: Promise<void> | undefined;
    server = await startSpeechServer(async (res) => {
      gone = clientGone(res);
      await writeSlowly(res, oddPieces(Buffer.concat(Array.from({ length: 20 }, () => speechBytes))), 20);
    });
    const tts = new OpenAiTts({ apiKey: KEY, baseUrl: `${server.origin}/v1`, voice: 'coral' });

    let firstChunk!: () => void;
    const started = new Promise<void>((resolve) => (firstChunk = resolve));
    const reading = (async () => {
      let n = 0;
      for await (const chunk of tts.synthesize(TEXT)) {
        n += chunk.length;
        firstChunk();
      }
      return n;
    })();
    // Closed once audio flows, however long a busy machine takes to get there.
    await started;
    await tts.close();
    expect(await reading).toBeGreaterThan(0);
    await gone;
  });

  it('turns a rejected key into "OpenAI TTS: 401 …" without the key', async () => {
    server = await startSpeechServer(async (res) => void res.end());
    const tts = new OpenAiTts({ apiKey: 'sk-wrong-key-999999', baseUrl: `${server.origin}/v1`, voice: 'coral' });

    const error = await (async () => {
      for await (const _ of tts.synthesize(TEXT)) throw new Error('no audio expected');
    })().catch((err: Error) => err);
    expect(error?.message).toBe('OpenAI TTS: 401 Incorrect API key provided');
    expect(error?.message).not.toContain('sk-wrong-key');
    expect(await tts.check()).toMatchObject({ status: 'up' });
    expect(await new OpenAiTts({}).check()).toMatchObject({ status: 'down' });
  });
});
