import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGrammarDictionary } from './dictionary';
import { grammarWords } from './jsgf';
import { guessPhones } from './letter-to-phone';
import { DEFAULT_MODEL_DIR, PocketsphinxStt } from './pocketsphinx-stt';

const CMUDICT = join(DEFAULT_MODEL_DIR, 'cmudict-en-us.dict');

describe('grammarWords', () => {
  it('lists the words of any JSGF text, leaving out comments, tags and weights', () => {
    const custom =
      '#JSGF V1.0;\ngrammar g; // greetings\n/* not <words> = here; */\npublic <a> = /2/ hello {greet} | (good | fine) [morning]* <b>;\n<b> = there+;\n';
    expect(grammarWords(custom)).toEqual(['fine', 'good', 'hello', 'morning', 'there']);
  });
});

describe('grammar dictionary', () => {
  it('takes every pronunciation from the model dictionary and guesses only the missing names', async () => {
    const { text, guessed } = await buildGrammarDictionary(['alice', 'okonkwo', 'smith'], CMUDICT);
    expect(text).toContain('alice AE L AH S\n');
    expect(text).toContain('alice(2) AE L IH S\n');
    expect(text).toContain('smith S M IH TH\n');
    expect(text).toContain(`okonkwo ${guessPhones('okonkwo')}\n`);
    expect(guessed).toEqual(['okonkwo']);
  });

  it('guesses CMU phones from spelling', () => {
    expect(guessPhones('okonkwo')).toBe('OW K AA N K W OW');
    expect(guessPhones('jane')).toBe('JH EY N');
    expect(guessPhones('david')).toBe('D EY V IH D');
    expect(guessPhones('nguyen')).toBe('NG AH Y EH N');
    expect(guessPhones('priya')).toBe('P R IH Y AH');
    expect(guessPhones('')).toBe('');
  });
});

describe('a grammar in pocketsphinx (real decoder start-up)', () => {
  jest.setTimeout(60_000);
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'pocketsphinx-grammar-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('says which grammar line is wrong, and is down rather than throwing', async () => {
    const stt = new PocketsphinxStt({ grammar: '#JSGF V1.0;\ngrammar bad;\npublic <a> = (hello;\n', cacheDir });
    try {
      const check = await stt.check();
      expect(check.status).toBe('down');
      expect(check.detail).toMatch(/did not start.*syntax error at line 3/);
    } finally {
      await stt.close();
    }
  });
});
