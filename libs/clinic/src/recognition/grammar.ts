/**
 * The JSGF grammar for what callers say to the clinic front desk. Pocketsphinx decodes against it
 * instead of a generic language model: with the grammar about 1 word in 13 comes back wrong, with the
 * generic model about 9 in 10. Keep the phrasings in step with the keywords the offline agent reads
 * (`offline/intents.ts`): a phrase the grammar lacks can never be recognised.
 * The parts live in ./grammar/: fillers and hesitations, days and times, requests, and replies.
 */
import { FILLER_RULES } from './grammar/fillers';
import { REPLY_RULES } from './grammar/replies';
import { REQUEST_RULES } from './grammar/requests';
import { WHEN_RULES } from './grammar/when';

export interface ClinicGrammarInput {
  /** As stored, e.g. "Dr. Alice Smith"; titles are dropped. */
  doctorNames: string[];
}

const TITLES = new Set(['dr', 'doctor', 'prof', 'professor', 'mr', 'mrs', 'ms', 'miss']);

/** Fixed rules, composed from one part per concern; `<name>` is generated from the doctors. */
const RULES: Record<string, string> = {
  // A time alone ("ten thirty", "two") answers "which time?"; it takes no opener, so "yes" + noise is not "yes two".
  utterance: [
    '[<filler>] [<opener> [<filler>]] <request> [<closer>]',
    // No opener before a reply: "yeah" + a stray "at eleven" made a correction of a confirmation.
    '[<filler>] <reply> [<closer>]',
    '[<filler>] <time> [<later_day>] [please]',
    '<opener> [<closer>]',
    '<filler>',
  ].join(' | '),
  ...FILLER_RULES,
  ...WHEN_RULES,
  ...REQUEST_RULES,
  ...REPLY_RULES,
};

/** Lower-case name words without titles or punctuation: "Dr. Anne-Marie O'Neil" → ["anne", "marie", "o'neil"]. */
export function nameWords(fullName: string): string[] {
  const words = fullName
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
  while (words.length > 1 && TITLES.has(words[0])) words.shift();
  return words;
}

/** Each doctor's first name, last name and "first last" (longer names: the first and last words too). */
export function nameAlternatives(doctorNames: string[]): string[] {
  const alternatives = new Set<string>();
  for (const name of doctorNames) {
    const words = nameWords(name);
    if (words.length === 0) continue;
    alternatives.add(words.join(' '));
    alternatives.add(words[0]);
    alternatives.add(words[words.length - 1]);
    if (words.length > 2) alternatives.add(`${words[0]} ${words[words.length - 1]}`);
  }
  return [...alternatives].sort();
}

/** JSGF text for pocketsphinx; its public rule is `<utterance>`. */
export function buildClinicGrammar(input: ClinicGrammarInput): string {
  const names = nameAlternatives(input.doctorNames);
  // With no doctors on file, "doctor" stands alone: pocketsphinx's <VOID> would void every phrase.
  const rules: Record<string, string> = names.length ? { ...RULES, name: names.join(' | ') } : { ...RULES, doctor: 'doctor' };
  const lines = ['#JSGF V1.0;', '', 'grammar clinic;', ''];
  for (const [rule, body] of Object.entries(rules)) {
    lines.push(`${rule === 'utterance' ? 'public ' : ''}<${rule}> = ${body};`);
  }
  return `${lines.join('\n')}\n`;
}
