import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, grammarWords, PocketsphinxStt } from '@voice/agent/stt';
import { buildClinicGrammar, nameAlternatives, nameWords } from './grammar';

const CMUDICT = join(DEFAULT_MODEL_DIR, 'cmudict-en-us.dict');
const SEED_DOCTORS = ['Dr. Alice Smith', 'Dr. Brian Jones', 'Dr. Carmen Lopez', 'Dr. David Brown'];

function dictionaryWords(): Set<string> {
  // Fails loudly when pocketsphinx-en-us is missing: the grammar cannot be checked without it.
  const text = readFileSync(CMUDICT, 'utf8');
  return new Set(text.split('\n').map((line) => line.split(' ')[0].replace(/\(\d+\)$/, '')));
}

/** Sentences the grammar must accept, one per utterance family (JSGF alternatives expanded by hand). */
const FAMILY_WORDS = [
  "hello hi good morning thank you thanks yes yeah no that's all goodbye bye",
  "i would like to i'd like to i want to can i please could you",
  'book an appointment with doctor alice smith on tuesday at nine thirty',
  'schedule make me when is available what times are free is morning afternoon',
  'the first one earliest that works book it move reschedule change my to',
  'cancel what appointments do i have opening hours when are you open',
  "what's my balance how much owe status of claim billing question talk receptionist scheduling need",
  "today tomorrow next this monday wednesday thursday friday saturday sunday o'clock a.m. p.m. noon in",
  'one two three four five six seven eight ten eleven twelve oh fifteen twenty forty fifty',
];

describe('buildClinicGrammar', () => {
  const grammar = buildClinicGrammar({ doctorNames: SEED_DOCTORS });
  const words = new Set(grammarWords(grammar));

  it('is a JSGF grammar whose public rule is <utterance>', () => {
    expect(grammar.startsWith('#JSGF V1.0;')).toBe(true);
    expect(grammar).toMatch(/^public <utterance> = /m);
  });

  it.each(FAMILY_WORDS)('covers the words of "%s"', (sentence) => {
    const missing = sentence.split(' ').filter((w) => !words.has(w));
    expect(missing).toEqual([]);
  });

  it('offers each doctor by first name, last name and both, without the title', () => {
    expect(nameWords("Dr. Anne-Marie O'Neil")).toEqual(['anne', 'marie', "o'neil"]);
    expect(nameAlternatives(['Dr. Alice Smith', 'Doctor Brian Jones'])).toEqual(['alice', 'alice smith', 'brian', 'brian jones', 'jones', 'smith']);
    expect(grammar).toMatch(/<name> = [^;]*\balice smith\b/);
    expect(words.has('dr')).toBe(false);
  });

  it('uses only words the pocketsphinx dictionary knows, names aside', () => {
    const known = dictionaryWords();
    const unknown = grammarWords(buildClinicGrammar({ doctorNames: [] })).filter((w) => !known.has(w));
    expect(unknown).toEqual([]);
  });
});

describe('the clinic grammar in pocketsphinx (real decoder start-up)', () => {
  jest.setTimeout(60_000);
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pocketsphinx-grammar-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it.each([
    ['the seed doctors', SEED_DOCTORS, ''],
    ['a name missing from the dictionary', ['Dr. Ngozi Okonkwo'], 'guessed pronunciations for ngozi, okonkwo'],
    ['no doctors at all', [], ''],
  ])('compiles with %s', async (_case, doctorNames, guessed) => {
    const stt = new PocketsphinxStt({ grammar: buildClinicGrammar({ doctorNames }), cacheDir });
    try {
      const check = await stt.check();
      expect(check).toEqual({ status: 'up', detail: expect.stringContaining('pocketsphinx warm decoder running') });
      if (guessed) expect(check.detail).toContain(guessed);
      else expect(check.detail).not.toContain('guessed');
    } finally {
      await stt.close();
    }
  });
});
