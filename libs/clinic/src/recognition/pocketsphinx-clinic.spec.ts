import { bytesToInt16 } from '@voice/agent/audio';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketsphinxStt, type SpeechToText, type SttResult, type SttUtterance } from '@voice/agent/stt';
import { buildClinicGrammar } from './grammar';

/**
 * espeak-ng says `text`; sox makes it 16 kHz mono PCM16 without dither (-D), so the audio is the same
 * every run and its pauses stay digital silence. Throws (the test fails) when either tool is missing.
 */
function speak(text: string): Int16Array {
  const wav = execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '--stdout', '--', text]);
  const raw = execFileSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-L', '-'], {
    input: wav,
  });
  return bytesToInt16(raw).slice();
}

const FRAME = 320; // 20 ms at 16 kHz

/** Pushes `pcm` in 20 ms frames, the way the session's VAD hands audio over. */
function pushFrames(utterance: SttUtterance, pcm: Int16Array): void {
  for (let i = 0; i < pcm.length; i += FRAME) utterance.push(pcm.subarray(i, i + FRAME));
}

async function recognise(stt: SpeechToText, pcm: Int16Array, onInterim?: (text: string) => void): Promise<SttResult> {
  const utterance = stt.startUtterance({ onInterim });
  pushFrames(utterance, pcm);
  return utterance.finish();
}

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Word-level Levenshtein distance. */
function wordErrors(reference: string[], hypothesis: string[]): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[hypothesis.length];
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** [what espeak-ng says, the words the grammar should give back, the words the agent needs]. */
const SENTENCES: [string, string, string[]][] = [
  [
    'I would like to book an appointment with doctor Alice Smith on Tuesday',
    'i would like to book an appointment with doctor alice smith on tuesday',
    ['book', 'alice', 'smith', 'tuesday'],
  ],
  ['Is doctor Brian Jones free on Friday afternoon', 'is doctor brian jones free on friday afternoon', ['brian', 'jones', 'free', 'friday', 'afternoon']],
  [
    'Can I cancel my appointment with doctor Carmen Lopez on Monday',
    'can i cancel my appointment with doctor carmen lopez on monday',
    ['cancel', 'carmen', 'lopez', 'monday'],
  ],
  [
    'Please move my appointment to Thursday at two thirty p.m.',
    'please move my appointment to thursday at two thirty p.m.',
    ['move', 'thursday', 'two', 'thirty', 'p.m.'],
  ],
  [
    'When is doctor David Brown available next Wednesday',
    'when is doctor david brown available next wednesday',
    ['david', 'brown', 'available', 'next', 'wednesday'],
  ],
  ['At eleven fifteen', 'at eleven fifteen', ['eleven', 'fifteen']],
  [
    "Book me with doctor Smith tomorrow at nine o'clock",
    "book me with doctor smith tomorrow at nine o'clock",
    ['book', 'smith', 'tomorrow', 'nine', "o'clock"],
  ],
  ['What are your opening hours', 'what are your opening hours', ['opening', 'hours']],
  ['How much do I owe', 'how much do i owe', ['owe']],
  ['What is the status of my claim', 'what is the status of my claim', ['status', 'claim']],
  ['Good morning, I want to talk to billing', 'good morning i want to talk to billing', ['billing']],
  ['Yes, that works, thank you', 'yes that works thank you', ['yes', 'works', 'thank']],
  ['Cancel my appointment on Wednesday at ten', 'cancel my appointment on wednesday at ten', ['cancel', 'wednesday', 'ten']],
  // Counted in the error rate, not required: this acoustic model hears espeak's short "ten" as "two".
  ['At ten thirty', 'at ten thirty', ['thirty']],
];

describe('PocketsphinxStt on espeak-ng speech (real pocketsphinx, warm decoder)', () => {
  jest.setTimeout(60_000);
  let cacheDir: string;
  let stt: PocketsphinxStt;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pocketsphinx-stt-'));
    stt = new PocketsphinxStt({
      grammar: buildClinicGrammar({ doctorNames: ['Dr. Alice Smith', 'Dr. Brian Jones', 'Dr. Carmen Lopez', 'Dr. David Brown'] }),
      cacheDir,
    });
  });

  afterAll(async () => {
    await stt.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('hears the doctor, the day, the time and the intent in each family of requests', async () => {
    let errors = 0;
    let total = 0;
    const misses: string[] = [];
    const wrong: string[] = [];
    for (const [said, expected, keys] of SENTENCES) {
      const { text } = await recognise(stt, speak(said));
      const heard = words(text);
      const sentenceErrors = wordErrors(words(expected), heard);
      if (sentenceErrors) wrong.push(`"${expected}" → "${text}"`);
      errors += sentenceErrors;
      total += words(expected).length;
      const missing = keys.filter((key) => !heard.includes(key));
      if (missing.length) misses.push(`"${said}" → "${text}" (missing ${missing.join(', ')})`);
    }
    const wer = errors / total;
    console.info(
      `pocketsphinx word error rate on ${SENTENCES.length} espeak-ng sentences: ${(wer * 100).toFixed(1)}% (${errors}/${total})\n` + wrong.join('\n'),
    );
    expect(misses).toEqual([]);
    expect(wer).toBeLessThan(0.1);
  });

  it('reports interim words as the hypothesis grows', async () => {
    const interims: string[] = [];
    const { text } = await recognise(stt, speak('I would like to book an appointment with doctor Alice Smith on Tuesday'), (t) => interims.push(t));
    expect(interims.length).toBeGreaterThan(3);
    expect(interims.every((t) => t.length > 0)).toBe(true);
    expect(interims.at(-1)).toBe(text);
    // Only changes are reported (the hypothesis may go back to an earlier one).
    expect(interims.every((t, i) => i === 0 || t !== interims[i - 1])).toBe(true);
  });

  it('decodes the words so far on request, and hears speech after the pause as the same utterance', async () => {
    const utterance = stt.startUtterance();
    pushFrames(utterance, speak('book with doctor Alice Smith on Tuesday at'));
    pushFrames(utterance, new Int16Array(16 * 600));
    const soFar = await utterance.hypothesis!();
    expect(words(soFar)).toEqual(expect.arrayContaining(['book', 'alice', 'smith', 'tuesday']));
    expect(words(soFar)).not.toContain('ten');
    pushFrames(utterance, speak('ten'));
    const { text } = await utterance.finish();
    // The whole utterance, not just the tail; which hour "ten" alone is heard as is recognition accuracy's business.
    expect(words(text).slice(0, words(soFar).length)).toEqual(words(soFar));
    expect(words(text).length).toBeGreaterThan(words(soFar).length);
  });

  it('keeps one decoder process warm across utterances', async () => {
    await recognise(stt, speak('What are your opening hours'));
    const pid = await stt.decoderPid();
    expect(pid).toBeDefined();
    const { text } = await recognise(stt, speak('How much do I owe'));
    expect(text).toBe('how much do i owe');
    expect(await stt.decoderPid()).toBe(pid);
    expect(isRunning(pid as number)).toBe(true);
  });

  it('drops an aborted utterance and carries on with the same process', async () => {
    const pid = await stt.decoderPid();
    const aborted = stt.startUtterance();
    pushFrames(aborted, speak('Cancel my appointment'));
    aborted.abort();
    await expect(aborted.finish()).resolves.toEqual({ text: '' });
    const { text } = await recognise(stt, speak('What is my balance'));
    expect(text).toBe('what is my balance');
    expect(await stt.decoderPid()).toBe(pid);
  });

  it('ends on the AbortSignal quietly', async () => {
    const controller = new AbortController();
    const utterance = stt.startUtterance({ signal: controller.signal });
    pushFrames(utterance, speak('What is my balance'));
    controller.abort();
    await expect(utterance.finish()).resolves.toEqual({ text: '' });
  });

  it('decodes an utterance started while the previous one is still finishing', async () => {
    const first = stt.startUtterance();
    pushFrames(first, speak('Talk to the receptionist'));
    const firstResult = first.finish();
    const second = stt.startUtterance();
    pushFrames(second, speak('When are you open on Saturday'));
    await expect(firstResult).resolves.toEqual({ text: 'talk to the receptionist' });
    await expect(second.finish()).resolves.toEqual({ text: 'when are you open on saturday' });
  });

  it('drops an utterance left open when the next one starts', async () => {
    const abandoned = stt.startUtterance();
    pushFrames(abandoned, speak('Cancel my appointment'));
    const next = stt.startUtterance();
    await expect(abandoned.finish()).resolves.toEqual({ text: '' });
    pushFrames(next, speak('Book it'));
    await expect(next.finish()).resolves.toEqual({ text: 'book it' });
  });

  it('fails the utterance a dying decoder was hearing, then restarts for the next one', async () => {
    const utterance = stt.startUtterance();
    pushFrames(utterance, speak('I would like to book'));
    const pid = await stt.decoderPid();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the frames reach the decoder
    process.kill(pid as number, 'SIGKILL');
    await expect(utterance.finish()).rejects.toThrow(new RegExp(`decoder \\(pid ${pid}\\) stopped during an utterance: it was killed by SIGKILL`));
    const { text } = await recognise(stt, speak('What are your opening hours'));
    expect(text).toBe('what are your opening hours');
    const newPid = await stt.decoderPid();
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(pid);
  });

  it('takes audio pushed in one large piece as well as in frames', async () => {
    const speech = speak('What are your opening hours');
    // 35 s of faint noise, then the words: more than the decoder takes in one frame.
    const long = new Int16Array(35 * 16000 + speech.length);
    for (let i = 0; i < 35 * 16000; i++) long[i] = Math.round(Math.sin(i * 12.9898) * 20);
    long.set(speech, 35 * 16000);
    expect(long.length * 2).toBeGreaterThan(1 << 20);
    const utterance = stt.startUtterance();
    utterance.push(long);
    await expect(utterance.finish()).resolves.toEqual({ text: 'what are your opening hours' });
  });

  it('hears speech between stretches of digital silence (exact zeros, as muted or mu-law frames give)', async () => {
    const speech = speak('Yes, that works, thank you');
    const padded = new Int16Array(speech.length + 16000);
    padded.set(speech, 8000);
    await expect(recognise(stt, padded)).resolves.toEqual({ text: 'yes that works thank you' });
  });

  it('returns nothing for silence', async () => {
    await expect(recognise(stt, new Int16Array(16000))).resolves.toEqual({ text: '' });
  });
});

describe('PocketsphinxStt check and close (real processes)', () => {
  jest.setTimeout(60_000);

  it('is down, naming the missing file, when the model folder does not exist', async () => {
    const stt = new PocketsphinxStt({ grammar: buildClinicGrammar({ doctorNames: [] }), modelDir: '/nonexistent/pocketsphinx-model' });
    const check = await stt.check();
    expect(check).toEqual({ status: 'down', detail: expect.stringContaining('/nonexistent/pocketsphinx-model/en-us/mdef') });
    await expect(stt.startUtterance().finish()).rejects.toThrow(/acoustic model not found/);
    await stt.close();
  });

  it('gives up on a decoder that stops answering, and starts a new one', async () => {
    const stt = new PocketsphinxStt({ grammar: buildClinicGrammar({ doctorNames: ['Dr. Alice Smith'] }), finishTimeoutMs: 500 });
    try {
      expect((await stt.check()).status).toBe('up');
      const pid = (await stt.decoderPid()) as number;
      process.kill(pid, 'SIGSTOP'); // hung, not dead
      const utterance = stt.startUtterance();
      pushFrames(utterance, speak('Book it'));
      await expect(utterance.finish()).rejects.toThrow('no result 500 ms after the utterance ended; restarting the decoder');
      await expect(recognise(stt, speak('Book it'))).resolves.toEqual({ text: 'book it' });
      expect(await stt.decoderPid()).not.toBe(pid);
      expect(isRunning(pid)).toBe(false);
    } finally {
      await stt.close();
    }
  });

  it('kills its decoder on close and refuses utterances afterwards', async () => {
    const stt = new PocketsphinxStt({ grammar: buildClinicGrammar({ doctorNames: ['Dr. Alice Smith'] }) });
    expect((await stt.check()).status).toBe('up');
    const pid = (await stt.decoderPid()) as number;
    expect(isRunning(pid)).toBe(true);
    await stt.close();
    expect(isRunning(pid)).toBe(false);
    await expect(stt.startUtterance().finish()).rejects.toThrow(/closed/);
  });
});
