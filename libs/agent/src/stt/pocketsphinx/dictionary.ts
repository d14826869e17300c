import { readFile } from 'node:fs/promises';
import { guessPhones } from './letter-to-phone';

export interface GrammarDictionary {
  /** Pocketsphinx dictionary text: "word PH ONES" lines, alternates as "word(2) ...". */
  text: string;
  /** Words the source dictionary lacks, given a letter-to-phone guess instead. */
  guessed: string[];
}

/**
 * A dictionary holding only `words`, taken from a CMU-style dictionary file (every pronunciation
 * listed there) with a letter-to-phone guess for words it lacks. Loading 200 words instead of
 * 135,000 keeps the decoder's start-up and memory small.
 */
export async function buildGrammarDictionary(words: readonly string[], sourceDictPath: string): Promise<GrammarDictionary> {
  const wanted = new Set(words);
  const found = new Map<string, string[]>();
  const source = await readFile(sourceDictPath, 'utf8');
  for (const line of source.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const word = line.slice(0, space).replace(/\(\d+\)$/, '');
    if (!wanted.has(word)) continue;
    const phones = line
      .slice(space + 1)
      .replace(/#.*$/, '')
      .trim();
    if (phones) found.set(word, [...(found.get(word) ?? []), phones]);
  }

  const lines: string[] = [];
  const guessed: string[] = [];
  for (const word of [...wanted].sort()) {
    let pronunciations = found.get(word);
    if (!pronunciations) {
      const guess = guessPhones(word);
      if (!guess) throw new Error(`Pocketsphinx STT: cannot spell out "${word}" in phones; drop it from the grammar`);
      guessed.push(word);
      pronunciations = [guess];
    }
    pronunciations.forEach((phones, i) => lines.push(`${i === 0 ? word : `${word}(${i + 1})`} ${phones}`));
  }
  return { text: `${lines.join('\n')}\n`, guessed };
}
