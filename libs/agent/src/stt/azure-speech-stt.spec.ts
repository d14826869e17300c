import { int16ToBytes } from '../audio/pcm16';
import { startFakeAzureSpeech, type FakeAzureSpeech } from '../testing/fake-azure-speech';
import { sleep, synthesizeSpeech } from '../cloud/testing/local-server';
import { AzureSpeechStt } from './azure-speech-stt';

const KEY = 'azure-test-key-0123456789abcdef';
const FIRST = 'I need to move my appointment with Doctor Smith to next Tuesday morning';
const SECOND = 'Thank you very much goodbye';
/** How Azure displays FIRST: the fake closes a phrase every six words, and each ends with a full stop. */
const FIRST_DISPLAYED = 'I need to move my appointment. with Doctor Smith to next Tuesday. morning.';

describe("Azure Speech STT (protocol test against a local server speaking Azure Speech's protocol, through Microsoft's Speech SDK)", () => {
  const first = synthesizeSpeech(FIRST, 16000);
  const second = synthesizeSpeech(SECOND, 16000);
  const script = [
    { words: FIRST.split(' '), bytes: first.length * 2 },
    { words: SECOND.split(' '), bytes: second.length * 2 },
  ];
  let fake: FakeAzureSpeech | undefined;
  let stt: AzureSpeechStt | undefined;
  afterEach(async () => {
    await stt?.close();
    await fake?.close();
    stt = fake = undefined;
  });

  /** Pushes 20 ms frames with a pause now and then, like a caller speaking into the pipeline. */
  async function speak(utterance: { push(pcm: Int16Array): void }, samples: Int16Array): Promise<void> {
    for (let i = 0, frame = 0; i < samples.length; i += 320, frame++) {
      utterance.push(samples.subarray(i, i + 320));
      if (frame % 25 === 0) await sleep(1);
    }
  }

  it('streams a whole utterance, reports growing interim words, and finishes with every final phrase', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, script });
    stt = new AzureSpeechStt({ key: KEY, endpoint: fake.endpoint, language: 'en-GB' });
    const interims: string[] = [];

    const utterance = stt.startUtterance({ onInterim: (text) => interims.push(text) });
    await speak(utterance, first);
    const result = await utterance.finish();

    expect(result.text).toBe(FIRST_DISPLAYED);
    expect(result.confidence).toBeCloseTo(0.92);
    const recognition = fake.recognitions[0];
    expect(recognition.headers['ocp-apim-subscription-key']).toBe(KEY);
    expect(recognition.url.searchParams.get('language')).toBe('en-GB');
    expect(recognition.url.searchParams.get('format')).toBe('detailed');
    expect(recognition.messages[0].headers['path']).toBe('speech.config');
    expect(Buffer.compare(recognition.heard[0], int16ToBytes(first))).toBe(0);
    expect(interims.length).toBeGreaterThan(3);
    expect(interims[0]).toBe('i');
    expect(interims).toContain('I need to move my appointment. with doctor smith');
    expect(interims.at(-1)).toBe(result.text);
  });

  it('recognises utterances one after another, each with its own words', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, script });
    stt = new AzureSpeechStt({ key: KEY, endpoint: fake.endpoint });

    const one = stt.startUtterance();
    await speak(one, first);
    expect((await one.finish()).text).toBe(FIRST_DISPLAYED);
    const two = stt.startUtterance();
    await speak(two, second);
    expect((await two.finish()).text).toBe('Thank you very much goodbye.');
    // One recognition (one connection) per utterance.
    expect(fake.recognitions).toHaveLength(2);
    expect(Buffer.compare(fake.recognitions[1].heard[0], int16ToBytes(second))).toBe(0);
    expect(fake.recognitions[0].url.searchParams.get('language')).toBe('en-US');
  });

  it('rejects with a 401 that names the setting to check, without the key', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, script });
    stt = new AzureSpeechStt({ key: 'azure-wrong-key-999999', endpoint: fake.endpoint });

    const utterance = stt.startUtterance();
    utterance.push(first.subarray(0, 3200));
    const error = await utterance.finish().catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Azure Speech STT: 401 key rejected: check AZURE_SPEECH_KEY/);
    expect((error as Error).message).not.toContain('azure-wrong-key');
    expect(fake.recognitions).toHaveLength(0);
  });

  it('an aborted utterance ends empty, and the next one still hears its own words', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, script });
    stt = new AzureSpeechStt({ key: KEY, endpoint: fake.endpoint });

    const noise = stt.startUtterance();
    await speak(noise, first.subarray(0, first.length >> 1));
    noise.abort();
    expect(await noise.finish()).toEqual({ text: '' });
    const real = stt.startUtterance();
    await speak(real, second);
    expect((await real.finish()).text).toBe('Thank you very much goodbye.');
  });

  it('finishes with no words when Azure matched no speech', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, script: [] });
    stt = new AzureSpeechStt({ key: KEY, endpoint: fake.endpoint });
    const interims: string[] = [];

    const utterance = stt.startUtterance({ onInterim: (text) => interims.push(text) });
    await speak(utterance, second);
    expect(await utterance.finish()).toEqual({ text: '' });
    expect(interims).toEqual([]);
  });

  it('check() says the key is set and where the resource is, without the key and without calling Azure', async () => {
    fake = await startFakeAzureSpeech({ key: KEY });
    stt = new AzureSpeechStt({ key: KEY, endpoint: fake.endpoint });
    expect(await stt.check()).toEqual({ status: 'up', detail: `Azure Speech STT: key set (endpoint ${fake.endpoint}, language en-US)` });
    expect(await new AzureSpeechStt({ key: KEY, region: 'westeurope', language: 'de-DE' }).check()).toEqual({
      status: 'up',
      detail: 'Azure Speech STT: key set (region westeurope, language de-DE)',
    });
    expect(fake.tokenRequests).toEqual([]);
  });
});
