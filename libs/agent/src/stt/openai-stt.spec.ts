import { decodeWav } from '../audio/wav';
import { parseMultipart } from '../cloud/testing/multipart';
import { clientGone, firstDifference, startLocalServer, synthesizeSpeech, type LocalServer } from '../cloud/testing/local-server';
import { OpenAiStt } from './openai-stt';

const KEY = 'sk-test-stt-0123456789';
const SENTENCE = 'I would like to book an appointment with Doctor Smith.';

describe('OpenAI STT (protocol test against a local server speaking the OpenAI audio/transcriptions API)', () => {
  const speech = synthesizeSpeech(SENTENCE, 16000);
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /**
   * Imitates the endpoint: Bearer auth, a multipart body with `file`, `model` and `response_format`,
   * and a JSON `{text}` answer. Its "recognition" is checking that the WAV it got is the speech the
   * test sent, at 16 kHz mono, since no real recogniser runs here.
   */
  async function startTranscriber(): Promise<LocalServer> {
    return startLocalServer((req, res) => {
      const fail = (status: number, message: string): void =>
        void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
      if (req.headers['authorization'] !== `Bearer ${KEY}`) return fail(401, 'Incorrect API key provided');
      if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') return fail(404, `no route ${req.method} ${req.url}`);
      const parts = parseMultipart(req.headers['content-type'], req.body);
      const field = (name: string): string | undefined => parts.find((p) => p.name === name)?.data.toString('utf8');
      const file = parts.find((p) => p.name === 'file');
      if (!file?.filename?.endsWith('.wav')) return fail(400, 'file must be a named .wav upload');
      if (field('model') !== 'whisper-1') return fail(400, `unknown model ${field('model')}`);
      if (field('response_format') !== 'json') return fail(400, 'response_format must be json');
      const wav = decodeWav(file.data);
      if (wav.sampleRate !== 16000) return fail(400, `expected 16 kHz, got ${wav.sampleRate}`);
      if (firstDifference(wav.samples, speech) !== -1) return fail(400, 'audio is not the utterance that was spoken');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ text: ` ${SENTENCE} ` }));
    });
  }

  it('uploads the buffered utterance as a 16 kHz mono WAV and returns the transcript', async () => {
    server = await startTranscriber();
    const stt = new OpenAiStt({ apiKey: KEY, baseUrl: `${server.origin}/v1` });

    const utterance = stt.startUtterance();
    // 20 ms frames, as the pipeline pushes them.
    for (let i = 0; i < speech.length; i += 320) utterance.push(speech.subarray(i, i + 320));
    expect(await utterance.finish()).toEqual({ text: SENTENCE });

    const upload = parseMultipart(server.requests[0].headers['content-type'], server.requests[0].body).find((p) => p.name === 'file');
    expect(upload?.contentType).toBe('audio/wav');
  });

  it('rejects with the provider message when the key is wrong, without the key', async () => {
    server = await startTranscriber();
    const stt = new OpenAiStt({ apiKey: 'sk-wrong-0000000', baseUrl: `${server.origin}/v1` });

    const utterance = stt.startUtterance();
    utterance.push(speech);
    const error = await utterance.finish().catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('OpenAI STT: 401 Incorrect API key provided');
    expect((error as Error).message).not.toContain('sk-wrong');
  });

  it('sends nothing for an utterance under 0.1 s or one that was aborted', async () => {
    server = await startTranscriber();
    const stt = new OpenAiStt({ apiKey: KEY, baseUrl: `${server.origin}/v1` });

    const short = stt.startUtterance();
    short.push(speech.subarray(0, 800));
    expect(await short.finish()).toEqual({ text: '' });
    const dropped = stt.startUtterance();
    dropped.push(speech);
    dropped.abort();
    expect(await dropped.finish()).toEqual({ text: '' });
    expect(server.requests).toHaveLength(0);
  });

  it('cancels the upload when the utterance signal aborts', async () => {
    let gone: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      gone = clientGone(res);
    });
    const stt = new OpenAiStt({ apiKey: KEY, baseUrl: `${server.origin}/v1`, timeoutMs: 60_000 });
    const abort = new AbortController();

    const utterance = stt.startUtterance({ signal: abort.signal });
    utterance.push(speech);
    const finishing = utterance.finish();
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort();
    expect(await finishing).toEqual({ text: '' });
    await gone;
  });
});
