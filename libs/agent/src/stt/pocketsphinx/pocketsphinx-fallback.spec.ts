import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, silence, speak } from '../../testing/speech';
import { PocketsphinxStt } from './pocketsphinx-stt';

/** A grammar whose only sentence goes on after what the caller says below. */
const GRAMMAR = ['#JSGF V1.0;', 'grammar fallback;', 'public <request> = book an appointment with doctor smith on tuesday at ten;', ''].join('\n');

async function recognise(stt: PocketsphinxStt, pcm: Int16Array): Promise<string> {
  const utterance = stt.startUtterance();
  for (let i = 0; i < pcm.length; i += 320) utterance.push(pcm.subarray(i, i + 320));
  return (await utterance.finish()).text;
}

describe('PocketsphinxStt when no path reaches the end of the grammar (real pocketsphinx)', () => {
  jest.setTimeout(60_000);
  let cacheDir: string;
  let stt: PocketsphinxStt;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pocketsphinx-fallback-'));
    stt = new PocketsphinxStt({ grammar: GRAMMAR, cacheDir });
  });
  afterAll(async () => {
    await stt.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('gives the words heard so far instead of nothing', async () => {
    // Pocketsphinx's final search finds no complete sentence ("Final result does not match the grammar")
    // and returns nothing; the decoder falls back to the best partial hypothesis just before the end.
    const text = await recognise(stt, concat(silence(300), speak('book an appointment with doctor Smith'), silence(500)));
    expect(text).toMatch(/^book an appointment with doctor/);
  });

  it('still gives the whole sentence when it was said', async () => {
    const text = await recognise(stt, concat(silence(300), speak('book an appointment with doctor Smith on Tuesday at ten'), silence(500)));
    expect(text).toBe('book an appointment with doctor smith on tuesday at ten');
  });

  it('still gives nothing for silence', async () => {
    expect(await recognise(stt, silence(1500))).toBe('');
  });
});
