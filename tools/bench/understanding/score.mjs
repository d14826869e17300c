// Scoring for the understanding benchmark: word error rate, intent, slots and whole-task success of one
// recognised utterance against its phrase, and the summary of many. Pure: the caller passes what
// parseUtterance (libs/clinic/src/offline/intents.ts) made of the reference and of the hypothesis.

/** Slots that choose what gets booked: a wrong or extra one books the wrong thing. */
export const BOOKING_SLOTS = ['doctor', 'day', 'time', 'nextWeek'];
/** Every slot a phrase may expect. */
export const SLOTS = [...BOOKING_SLOTS, 'partOfDay'];

/** Word-level Levenshtein distance: substitutions, insertions and deletions. */
export function wordErrors(reference, hypothesis) {
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

const nameWords = (name) =>
  name
    .toLowerCase()
    .replace(/\b(dr|doctor)\b\.?/g, ' ')
    .split(/[^a-z]+/)
    .filter(Boolean);

/**
 * The seeded doctor a spoken name picks, as the scheduling tools resolve it (most name words in
 * common, a tie picks none); `undefined` when none or several match.
 */
export function resolveDoctor(spoken, doctors) {
  if (!spoken) return undefined;
  const words = new Set(nameWords(spoken));
  const scored = doctors
    .map((d) => ({ d, score: nameWords(d).filter((w) => words.has(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0 || (scored.length > 1 && scored[0].score === scored[1].score)) return undefined;
  return nameWords(scored[0].d).join(' ');
}

/** The slots of a parsed utterance in the phrase set's terms (doctor as the seeded doctor it resolves to). */
export function slotsOf(parsed, doctors) {
  const doctor = parsed.doctor ? (resolveDoctor(parsed.doctor, doctors) ?? `unknown:${parsed.doctor}`) : undefined;
  return { doctor, day: parsed.day, time: parsed.time, nextWeek: parsed.nextWeek || undefined, partOfDay: parsed.partOfDay };
}

/**
 * One utterance: `phrase` {intent, slots}, `reference` and `hypothesis` as parseUtterance returned them
 * ({words, intents: Set, doctor?, day?, time?, nextWeek?, partOfDay?}), `doctors` the seeded names.
 * Success: the intent is among the hypothesis' intents, every expected slot is right, and no booking
 * slot is filled that the caller did not say (an extra day or hour books the wrong thing).
 */
export function scoreUtterance(phrase, reference, hypothesis, doctors) {
  const got = slotsOf(hypothesis, doctors);
  const expected = Object.entries(phrase.slots);
  const slotsRight = expected.filter(([name, value]) => got[name] === value).length;
  const wrongSlots = BOOKING_SLOTS.filter((name) => got[name] !== undefined && got[name] !== phrase.slots[name]);
  const intentOk = hypothesis.intents.has(phrase.intent);
  return {
    errors: wordErrors(reference.words, hypothesis.words),
    referenceWords: reference.words.length,
    intentOk,
    slotsRight,
    slotsExpected: expected.length,
    wrongSlots,
    success: intentOk && slotsRight === expected.length && wrongSlots.length === 0,
  };
}

export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const pct = (n, d) => (d === 0 ? null : Math.round((1000 * n) / d) / 10);

/** Rates in percent over scored utterances ({errors, referenceWords, intentOk, slotsRight, slotsExpected, success, ms?}). */
export function summarise(scores) {
  const sum = (f) => scores.reduce((n, s) => n + f(s), 0);
  const ms = scores.map((s) => s.ms).filter((v) => typeof v === 'number');
  return {
    n: scores.length,
    werPct: pct(
      sum((s) => s.errors),
      sum((s) => s.referenceWords),
    ),
    intentPct: pct(
      sum((s) => (s.intentOk ? 1 : 0)),
      scores.length,
    ),
    slotPct: pct(
      sum((s) => s.slotsRight),
      sum((s) => s.slotsExpected),
    ),
    successPct: pct(
      sum((s) => (s.success ? 1 : 0)),
      scores.length,
    ),
    msP50: percentile(ms, 50),
    msP95: percentile(ms, 95),
  };
}
