/**
 * A rough English spelling-to-CMU-phones guess for words the dictionary lacks (mostly people's names).
 * It only has to be close enough for a grammar with a handful of names to pick the right one; a name
 * that matters and comes out badly deserves a real entry in a supplementary dictionary instead.
 */
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/** Longest spellings first; each maps to CMU phones. */
const GROUPS: [string, string][] = [
  ['tch', 'CH'],
  ['sch', 'S K'],
  ['igh', 'AY'],
  ['ch', 'CH'],
  ['sh', 'SH'],
  ['th', 'TH'],
  ['ph', 'F'],
  ['ck', 'K'],
  ['ng', 'NG'],
  ['qu', 'K W'],
  ['wh', 'W'],
  ['zh', 'ZH'],
  ['ee', 'IY'],
  ['ea', 'IY'],
  ['oo', 'UW'],
  ['ai', 'EY'],
  ['ay', 'EY'],
  ['ei', 'EY'],
  ['ey', 'EY'],
  ['oa', 'OW'],
  ['ou', 'AW'],
  ['ow', 'OW'],
  ['oi', 'OY'],
  ['oy', 'OY'],
  ['au', 'AO'],
  ['aw', 'AO'],
  ['ie', 'IY'],
  ['ue', 'UW'],
  ['ew', 'UW'],
  ['ar', 'AA R'],
  ['er', 'ER'],
  ['ir', 'ER'],
  ['ur', 'ER'],
  ['or', 'AO R'],
];

const SHORT_VOWEL: Record<string, string> = { a: 'AE', e: 'EH', i: 'IH', o: 'AA', u: 'AH', y: 'IH' };
const LONG_VOWEL: Record<string, string> = { a: 'EY', e: 'IY', i: 'AY', o: 'OW', u: 'UW', y: 'AY' };
const FINAL_VOWEL: Record<string, string> = { a: 'AH', e: 'IY', i: 'IY', o: 'OW', u: 'UW', y: 'IY' };
const CONSONANT: Record<string, string> = {
  b: 'B',
  d: 'D',
  f: 'F',
  h: 'HH',
  j: 'JH',
  k: 'K',
  l: 'L',
  m: 'M',
  n: 'N',
  p: 'P',
  q: 'K',
  r: 'R',
  s: 'S',
  t: 'T',
  v: 'V',
  w: 'W',
  x: 'K S',
  z: 'Z',
};

/** CMU phones for `word` (lower-case letters and apostrophes), e.g. "okonkwo" → "OW K AA N K W OW". */
export function guessPhones(word: string): string {
  const letters = word.toLowerCase().replace(/[^a-z]/g, '');
  const phones: string[] = [];
  let i = 0;
  while (i < letters.length) {
    const rest = letters.slice(i);
    const group = GROUPS.find(([spelling]) => rest.startsWith(spelling));
    if (group) {
      phones.push(group[1]);
      i += group[0].length;
      continue;
    }
    const c = letters[i];
    const next = letters[i + 1];
    i++;
    if (next === c && !VOWELS.has(c)) continue; // doubled consonants sound once
    if (VOWELS.has(c)) {
      if (c === 'y' && (i === 1 || (VOWELS.has(letters[i - 2]) && VOWELS.has(next ?? '')))) phones.push('Y');
      else if (i === letters.length) {
        // A final "e" after a consonant is silent ("jane"), unless it is the only vowel ("le").
        if (c !== 'e' || !/[aeiouy]/.test(letters.slice(0, -1))) phones.push(FINAL_VOWEL[c]);
      } else if (isMagicE(letters, i) || isOpenFirstSyllable(letters, i, phones.length)) phones.push(LONG_VOWEL[c]);
      else phones.push(SHORT_VOWEL[c]);
    } else if (c === 'c') phones.push(next && 'eiy'.includes(next) ? 'S' : 'K');
    else if (c === 'g') phones.push(next && 'eiy'.includes(next) ? 'JH' : 'G');
    else phones.push(CONSONANT[c]);
  }
  return phones.join(' ');
}

/** Vowel, one consonant, final "e": "jane", "mike", "rose". `after` is the index just past the vowel. */
function isMagicE(letters: string, after: number): boolean {
  return after + 2 === letters.length && letters[after + 1] === 'e' && !VOWELS.has(letters[after]);
}

/** A word's first vowel before a single consonant and another vowel is long: "david", "okonkwo". */
function isOpenFirstSyllable(letters: string, after: number, phonesSoFar: number): boolean {
  const firstVowel = !/[aeiouy]/.test(letters.slice(0, after - 1));
  return firstVowel && phonesSoFar <= 2 && !VOWELS.has(letters[after] ?? 'a') && VOWELS.has(letters[after + 1] ?? '');
}
