import { execFileSync } from 'node:child_process';
import { EspeakTts, WavStreamReader } from './espeak-tts';

/** espeak-ng processes that are children of this (test) process. */
function espeakChildren(): number {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'comm=']).toString();
  return out.split('\n').filter((name) => name.trim() === 'espeak-ng').length;
}

function rms(chunks: Int16Array[]): number {
  let sum = 0;
  let n = 0;
  for (const chunk of chunks) {
    for (const s of chunk) sum += (s / 32768) ** 2;
    n += chunk.length;
  }
  return Math.sqrt(sum / n);
}

const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `This is sentence number ${i + 1} of a long answer from the clinic.`).join(' ');

describe('EspeakTts (real espeak-ng)', () => {
  jest.setTimeout(30_000);
  const tts = new EspeakTts();

  afterAll(() => tts.close());

  it('reports the binary it runs', async () => {
    await expect(tts.check()).resolves.toEqual({ status: 'up', detail: expect.stringMatching(/^eSpeak NG text-to-speech: \d/) });
  });

  it('is down, saying what to install, when the binary is missing', async () => {
    const missing = new EspeakTts({ binary: '/nonexistent/espeak-ng' });
    await expect(missing.check()).resolves.toEqual({
      status: 'down',
      detail: 'espeak-ng TTS: /nonexistent/espeak-ng not found; install espeak-ng (apt-get install espeak-ng)',
    });
    await expect(missing.synthesize('Hello there').next()).rejects.toThrow('/nonexistent/espeak-ng not found');
  });

  it('speaks a ten-word sentence as a few seconds of audible 22,050 Hz PCM', async () => {
    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize('Your appointment with doctor Smith is on Tuesday at nine.')) chunks.push(chunk);
    expect(tts.sampleRate).toBe(22050);
    const seconds = chunks.reduce((n, c) => n + c.length, 0) / tts.sampleRate;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(6);
    expect(rms(chunks)).toBeGreaterThan(0.02);
  });

  it('yields the first audio while espeak-ng is still synthesising', async () => {
    const speech = tts.synthesize(LONG_TEXT);
    const first = await speech.next();
    expect(first.done).toBe(false);
    expect((first.value as Int16Array).length).toBeGreaterThan(0);
    expect(espeakChildren()).toBe(1);
    await speech.return(undefined);
    expect(espeakChildren()).toBe(0);
  });

  it('stops espeak-ng and ends quietly when the signal aborts', async () => {
    const controller = new AbortController();
    let samples = 0;
    for await (const chunk of tts.synthesize(LONG_TEXT, controller.signal)) {
      samples += chunk.length;
      if (samples > tts.sampleRate) controller.abort();
    }
    // 40 sentences run to well over a minute; the abort cut it off after about a second.
    expect(samples / tts.sampleRate).toBeLessThan(10);
    expect(espeakChildren()).toBe(0);
  });

  it('speaks text that starts with a dash instead of reading it as an option', async () => {
    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize('--version and -v are words here')) chunks.push(chunk);
    expect(chunks.reduce((n, c) => n + c.length, 0) / tts.sampleRate).toBeGreaterThan(1);
  });

  it('yields nothing for blank text', async () => {
    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize('   ')) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it("fails with espeak-ng's own message for an unknown voice", async () => {
    const bad = new EspeakTts({ voice: 'nosuchvoice' });
    await expect(bad.synthesize('Hello').next()).rejects.toThrow(/espeak-ng TTS: exited with code 1: .*voice does not exist/);
  });
});

describe('WavStreamReader', () => {
  function wav(sampleRate: number, samples: number[]): Buffer {
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'ascii');
    header.writeUInt32LE(0x7ffff024, 4); // espeak-ng's placeholder sizes
    header.write('WAVEfmt ', 8, 'ascii');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(sampleRate, 24);
    header.writeUInt32LE(sampleRate * 2, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'ascii');
    header.writeUInt32LE(0x7ffff000, 40);
    const data = Buffer.alloc(samples.length * 2);
    samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
    return Buffer.concat([header, data]);
  }

  it('reads the rate from the header and samples split at any byte', () => {
    const bytes = wav(16000, [1, -2, 300, -32768, 32767]);
    const reader = new WavStreamReader();
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...(reader.push(bytes.subarray(i, i + 3)) ?? []));
    reader.end();
    expect(reader.sampleRate).toBe(16000);
    expect(out).toEqual([1, -2, 300, -32768, 32767]);
  });

  it('rejects what is not a WAV and a stream that ends inside the header', () => {
    expect(() => new WavStreamReader().push(Buffer.from('ID3 not a wave file'))).toThrow('output is not a WAV file');
    const reader = new WavStreamReader();
    reader.push(wav(22050, []).subarray(0, 30));
    expect(() => reader.end()).toThrow('the WAV ended before its audio began');
  });
});
