import { int16ToBytes } from '../audio/pcm16';
import { startFakeAzureSpeech, type FakeAzureSpeech } from '../testing/fake-azure-speech';
import { firstDifference, joinPcm, synthesizeSpeech } from '../cloud/testing/local-server';
import { AzureSpeechTts, escapeXml } from './azure-speech-tts';

const KEY = 'azure-test-key-0123456789abcdef';
const TEXT = 'Your appointment is on Thursday at ten.';

async function collect(chunks: AsyncIterable<Int16Array>): Promise<Int16Array[]> {
  const out: Int16Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe("Azure Speech TTS (protocol test against a local server speaking Azure Speech's text-to-speech REST API)", () => {
  // Real speech at the rate of raw-24khz-16bit-mono-pcm.
  const speech = synthesizeSpeech(TEXT, 24000);
  let fake: FakeAzureSpeech | undefined;
  let tts: AzureSpeechTts | undefined;
  afterEach(async () => {
    await tts?.close();
    await fake?.close();
    tts = fake = undefined;
  });

  it('posts SSML for the voice with the documented headers and yields the raw 24 kHz PCM as it streams', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, speech: Buffer.from(int16ToBytes(speech)) });
    tts = new AzureSpeechTts({ key: KEY, endpoint: `${fake.endpoint}/`, voice: 'en-GB-SoniaNeural', language: 'en-GB' });

    const chunks = await collect(tts.synthesize(TEXT));

    expect(tts.sampleRate).toBe(24000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(firstDifference(joinPcm(chunks), speech)).toBe(-1);
    const [request] = fake.synthesisRequests;
    expect(request.url).toBe('/tts/cognitiveservices/v1');
    expect(request.headers['ocp-apim-subscription-key']).toBe(KEY);
    expect(request.headers['x-microsoft-outputformat']).toBe('raw-24khz-16bit-mono-pcm');
    expect(request.body).toBe(
      '<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-GB"><voice name="en-GB-SoniaNeural">Your appointment is on Thursday at ten.</voice></speak>',
    );
  });

  it('escapes the text, so markup-like words are spoken instead of breaking the SSML', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, speech: Buffer.from(int16ToBytes(speech)) });
    tts = new AzureSpeechTts({ key: KEY, endpoint: fake.endpoint });
    const text = `Dr. O'Neil <on call> & "Smith"\u0007 at 5 > 4`;

    const chunks = await collect(tts.synthesize(text));

    expect(joinPcm(chunks).length).toBe(speech.length);
    expect(fake.synthesisRequests[0].body).toContain(
      '<voice name="en-US-AvaMultilingualNeural">Dr. O&apos;Neil &lt;on call&gt; &amp; &quot;Smith&quot; at 5 &gt; 4</voice>',
    );
    expect(escapeXml('a<b')).toBe('a&lt;b');
  });

  it('turns a rejected key into "Azure Speech TTS: 401 …" without the key', async () => {
    fake = await startFakeAzureSpeech({ key: KEY, speech: Buffer.from(int16ToBytes(speech)) });
    tts = new AzureSpeechTts({ key: 'azure-wrong-key-999999', endpoint: fake.endpoint });

    const error = await collect(tts.synthesize(TEXT)).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Azure Speech TTS: 401 Access denied due to invalid subscription key/);
    expect((error as Error).message).not.toContain('azure-wrong-key');
  });

  it('aborts the request when the caller aborts, and ends without an error', async () => {
    const long = Buffer.concat(Array.from({ length: 20 }, () => Buffer.from(int16ToBytes(speech))));
    fake = await startFakeAzureSpeech({ key: KEY, speech: long, pieceDelayMs: 20 });
    tts = new AzureSpeechTts({ key: KEY, endpoint: fake.endpoint });
    const abort = new AbortController();

    let received = 0;
    for await (const chunk of tts.synthesize(TEXT, abort.signal)) {
      received += chunk.length;
      abort.abort();
    }
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(long.length / 2);
  });

  it('reports a missing key or region clearly', async () => {
    tts = new AzureSpeechTts({ region: 'westeurope' });
    await expect(collect(tts.synthesize(TEXT))).rejects.toThrow('Azure Speech TTS: key missing');
    const noRegion = new AzureSpeechTts({ key: KEY });
    await expect(collect(noRegion.synthesize(TEXT))).rejects.toThrow('Azure Speech TTS: region or endpoint missing');
    expect(await noRegion.check()).toEqual({ status: 'down', detail: 'Azure Speech TTS: region or endpoint missing' });
  });

  it('check() says the key is set, where the resource is and the voice, without the key and without calling Azure', async () => {
    fake = await startFakeAzureSpeech({ key: KEY });
    tts = new AzureSpeechTts({ key: KEY, endpoint: fake.endpoint });
    expect(await tts.check()).toEqual({ status: 'up', detail: `Azure Speech TTS: key set (endpoint ${fake.endpoint}, voice en-US-AvaMultilingualNeural)` });
    expect(fake.tokenRequests).toEqual([]);
  });
});
