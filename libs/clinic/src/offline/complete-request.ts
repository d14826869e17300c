import { parseUtterance } from './intents';

/**
 * Words a caller says before the part that completes a phrase: "on Tuesday at … ten", "with doctor …
 * Smith", "at half past … two", "I was wondering if … ", and hesitations ("um", "well"), after which a
 * caller is still thinking whatever came before.
 */
const DANGLING = new Set([
  ...['a', 'an', 'the', 'my', 'this', 'next', 'some', 'any'],
  ...['at', 'on', 'with', 'for', 'in', 'to', 'from', 'about', 'around', 'by', 'of', 'after', 'before'],
  ...['and', 'or', 'but', 'so', 'then', 'because'],
  ...['doctor', 'dr', 'is', 'are', 'be', 'i', "i'd", "i'm", 'would', 'like', 'want', 'need', 'can', 'could'],
  ...['um', 'uh', 'er', 'erm', 'hmm', 'ah', 'oh', 'well', 'actually'],
  ...['half', 'quarter', 'past', 'not', 'make', 'if', 'wondering', 'possible', 'through'],
]);

/**
 * The clinic's end-of-turn judge: do the caller's words so far make a complete request? They do
 * when they carry something the front desk acts on (an intent, a doctor, a day or a time) and do
 * not stop on a word that announces more ("book with doctor Smith on Tuesday at").
 */
export function isCompleteRequest(text: string): boolean {
  const parsed = parseUtterance(text);
  const last = parsed.words.at(-1);
  if (!last || DANGLING.has(last)) return false;
  return parsed.intents.size > 0 || Boolean(parsed.doctor || parsed.day || parsed.time);
}
