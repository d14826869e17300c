import { createServer, type AddressInfo, type Socket } from 'node:net';
import { int16ToBytes } from '../audio/pcm16';
import { startFakeDeepgram, type FakeDeepgram } from '../cloud/testing/fake-deepgram';
import { sleep, synthesizeSpeech } from '../cloud/testing/local-server';
import { DeepgramStt, type DeepgramSttOptions } from './deepgram-stt';

const KEY = 'dg-test-key-0123456789';
const FIRST = 'I need to move my appointment with Doctor Smith to next Tuesday morning';
const SECOND = 'Thank you very much goodbye';

describe("Deepgram STT (protocol test against a local server speaking Deepgram's live streaming API)", () => {
  const first = synthesizeSpeech(FIRST, 16000);
  const second = synthesizeSpeech(SECOND, 16000);
  const script = [
    { words: FIRST.split(' '), bytes: first.length * 2 },
    { words: SECOND.split(' '), bytes: second.length * 2 },
  ];
  let fake: FakeDeepgram | undefined;
  let stt: DeepgramStt | undefined;
  afterEach(async () => {
    await stt?.close();
    await fake?.close();
    stt = fake = undefined;
  });

  function sttFor(server: FakeDeepgram, options: Partial<DeepgramSttOptions> = {}): DeepgramStt {
    return new DeepgramStt({ apiKey: KEY, baseUrl: server.baseUrl, model: 'nova-3', ...options });
  }

  /** Pushes 20 ms frames with a pause now and then, like a caller speaking into the pipeline. */
  async function speak(utterance: { push(pcm: Int16Array): void }, samples: Int16Array): Promise<void> {
    for (let i = 0, frame = 0; i < samples.length; i += 320, frame++) {
      utterance.push(samples.subarray(i, i + 320));
      if (frame % 25 === 0) await sleep(1);
    }
  }

  it('streams audio with the documented URL and header, reports interim words, and finishes with the finalized segments', async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script });
    stt = sttFor(fake);
    const interims: string[] = [];

    const utterance = stt.startUtterance({ onInterim: (text) => interims.push(text) });
    await speak(utterance, first);
    const result = await utterance.finish();

    expect(result.text).toBe(FIRST);
    expect(result.confidence).toBeCloseTo(0.9);
    const connection = fake.connections[0];
    expect(connection.headers['authorization']).toBe(`Token ${KEY}`);
    expect(Object.fromEntries(connection.query)).toEqual({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
      punctuate: 'true',
      smart_format: 'true',
    });
    expect(Buffer.compare(connection.heard[0], int16ToBytes(first))).toBe(0);
    expect(connection.controls.filter((c) => c.type === 'Finalize')).toHaveLength(1);
    // Words firm up as audio arrives: several growing interims, ending with the whole sentence.
    expect(interims.length).toBeGreaterThan(3);
    expect(FIRST.startsWith(interims[0])).toBe(true);
    expect(interims[interims.length - 1]).toBe(FIRST);
  });

  it('keeps one socket for the next utterance and sends KeepAlive text frames while nobody speaks', async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script });
    stt = sttFor(fake, { keepAliveIntervalMs: 40 });

    const one = stt.startUtterance();
    await speak(one, first);
    expect((await one.finish()).text).toBe(FIRST);
    await sleep(300);
    const two = stt.startUtterance();
    await speak(two, second);
    expect((await two.finish()).text).toBe(SECOND);

    expect(fake.connections).toHaveLength(1);
    const controls = fake.connections[0].controls.map((c) => c.type);
    expect(controls.filter((type) => type === 'KeepAlive').length).toBeGreaterThanOrEqual(2);
    expect(controls.filter((type) => type === 'Finalize')).toHaveLength(2);
    expect(Buffer.compare(fake.connections[0].heard[1], int16ToBytes(second))).toBe(0);
  });

  it('reconnects when the socket drops mid-utterance and sends the whole utterance again', async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script, dropFirstConnectionAfterBytes: 32000 });
    stt = sttFor(fake);

    const utterance = stt.startUtterance();
    await speak(utterance, first);
    expect((await utterance.finish()).text).toBe(FIRST);

    expect(fake.connections).toHaveLength(2);
    expect(fake.connections[0].heard).toHaveLength(0);
    expect(Buffer.compare(fake.connections[1].heard[0], int16ToBytes(first))).toBe(0);
  });

  it('keeps the words of an aborted utterance out of the next one', async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script });
    stt = sttFor(fake);

    const noise = stt.startUtterance();
    await speak(noise, first.subarray(0, first.length >> 1));
    await sleep(50);
    noise.abort();
    expect(await noise.finish()).toEqual({ text: '' });
    const real = stt.startUtterance();
    await speak(real, second);

    expect((await real.finish()).text).toBe(SECOND);
    expect(fake.connections).toHaveLength(1);
  });

  it('settles for the words it has when Finalize gets no from_finalize reply', async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script, ignoreFinalize: true });
    stt = sttFor(fake, { finalizeTimeoutMs: 200 });

    const utterance = stt.startUtterance();
    await speak(utterance, first);
    const { text } = await utterance.finish();

    // The fake finalizes words in groups of three as audio arrives; only the tail waits for Finalize.
    expect(text.length).toBeGreaterThan(0);
    expect(FIRST.startsWith(text)).toBe(true);
    expect(text).not.toBe(FIRST);
  });

  it("rejects with Deepgram's own reason when the key is refused, without the key", async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script });
    stt = new DeepgramStt({ apiKey: 'dg-wrong-key-999999', baseUrl: fake.baseUrl });

    const utterance = stt.startUtterance();
    utterance.push(first.subarray(0, 3200));
    const error = await utterance.finish().catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Deepgram STT: 401 Invalid credentials.');
    expect((error as Error).message).not.toContain('dg-wrong-key');
    expect(fake.connections).toHaveLength(0);
  });

  it('fails the utterance with a timeout error when nothing answers the handshake, and retries on the next one', async () => {
    // Accepts TCP connections and never speaks HTTP back.
    const held = new Set<Socket>();
    const silent = createServer((socket) => void held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      stt = new DeepgramStt({ apiKey: KEY, baseUrl: `ws://127.0.0.1:${port}`, connectTimeoutMs: 150 });
      const first = stt.startUtterance();
      first.push(second.subarray(0, 3200));
      await expect(first.finish()).rejects.toThrow(`Deepgram STT: cannot connect to ws://127.0.0.1:${port}: Opening handshake has timed out`);
      const again = stt.startUtterance();
      again.push(second.subarray(0, 3200));
      await expect(again.finish()).rejects.toThrow('Opening handshake has timed out');
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('close() sends CloseStream and waits for the server to close', async () => {
    fake = await startFakeDeepgram({ apiKey: KEY, model: 'nova-3', script });
    stt = sttFor(fake);

    const utterance = stt.startUtterance();
    await speak(utterance, first);
    await utterance.finish();
    await stt.close();

    expect(fake.connections[0].controls.at(-1)).toEqual({ type: 'CloseStream' });
    await fake.connections[0].closedByClient;
    expect(await stt.check()).toMatchObject({ status: 'up' });
    expect(await new DeepgramStt({}).check()).toEqual({ status: 'down', detail: 'Deepgram STT: API key missing' });
  });
});
