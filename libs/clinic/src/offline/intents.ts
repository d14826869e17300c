import { isWeekday, type Weekday } from '../calendar/calendar';

export type Intent =
  | 'book'
  | 'availability'
  | 'move'
  | 'cancel'
  | 'my_appointments'
  | 'hours'
  | 'balance'
  | 'claims'
  | 'billing'
  | 'scheduling'
  | 'receptionist'
  | 'yes'
  | 'no'
  | 'first'
  | 'greeting'
  | 'thanks'
  | 'goodbye';

export interface ParsedUtterance {
  words: string[];
  intents: Set<Intent>;
  /** Name words after "doctor"/"dr", e.g. "alice smith". */
  doctor?: string;
  day?: Weekday | 'today' | 'tomorrow';
  /** "next tuesday": the week after, not this week's. */
  nextWeek?: boolean;
  /** Clinic-local "HH:MM". */
  time?: string;
  partOfDay?: 'morning' | 'afternoon';
}

const HOURS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const MINUTES: Record<string, number> = { fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, oh: 0 };
const MINUTE_UNITS: Record<string, number> = { five: 5 };
const STOP_AFTER_NAME = new Set([
  ...['on', 'at', 'for', 'this', 'next', 'today', 'tomorrow', 'please', 'in', 'the', 'and', 'or', 'is', 'available', 'free'],
  ...['have', 'has', 'got', 'does', 'instead', 'not', 'to', 'about', 'around', 'working', 'then', 'thanks', 'thank'],
]);
/** Sounds that carry no meaning: left out when reading intents and slots (kept in `words`). */
const HESITATIONS = new Set(['um', 'uh', 'er', 'erm', 'hmm', 'ah', 'oh']);
/** Words after which a bare hour is a time ("at ten", "make it three", "around two", "not three, four"). */
const TIME_CUES = new Set(['at', 'around', 'about', 'it', 'to', 'till', 'until', 'by', 'not', 'or', 'say', 'do', 'meant', 'said']);
/** Words after which "one" is a pronoun, not an hour ("the first one", "that one"). */
const ONE_AS_PRONOUN = new Set(
  ['the', 'a', 'that', 'this', 'which', 'any', 'first', 'second', 'last', 'next', 'other', 'another', 'no'].concat([
    'earliest',
    'soonest',
    'later',
    'earlier',
    'available',
    'free',
    'open',
    'same',
  ]),
);
/** Words that mark a day, time or doctor as the one the caller does not mean ("not Tuesday", "from Monday to …"). */
const NOT_THIS = new Set(['not', 'from']);

const KEYWORDS: [Intent, RegExp][] = [
  ['cancel', /\bcancel/],
  ['move', /\b(move|reschedule|change|switch|push|bring forward|bring (it|that|my \w+) forward)\b/],
  [
    'my_appointments',
    /\b(when|what|which) (is )?my (next )?(appointment|checkup|visit|consultation)|\bappointments do i have|\bmy appointments\b|\b(tell|remind) me (when )?my (next )?appointment|\bdo i have (an|any) appointments?\b|\bwhen my appointment is\b|\b(what|which) (time|day) is my\b|\bcheck (on )?my (next )?appointments?\b/,
  ],
  [
    'book',
    /\b(book|schedule(?! something)|make (an|a)|(an|a|another|new) (appointment|checkup|visit|consultation)|see (the |a )?doctor|get in (with|to see)|come in|set up (an|a))\b/,
  ],
  [
    'availability',
    /\b(available|availability|free|openings|slots?|what (times|days)|when can|(have|got) (anything|any (openings|appointments|slots|times|availability))|any (openings|slots|times|appointments)|is there anything|open (appointment|slot|time))\b|\b(is|does|has|would) (the |a )?doctor( \w+){0,2} (in|working|have|got)\b|\bwho is (in|working)\b/,
  ],
  [
    'hours',
    /\b(opening hours|office hours|hours|when are you open|are you open|(what time|when) do (you|you guys) (open|close)|(what time|when) does the (clinic|office|practice) (open|close)|how late|(clinic|office|practice) open|open (until|till)|closing time|what time are you open)\b/,
  ],
  ['balance', /\b(balance|owe|how much)\b/],
  ['claims', /\b(claim|claims|insurance)\b/],
  ['billing', /\b(billing|bill|payment|pay|account)\b/],
  ['scheduling', /\b(scheduling|scheduler|need to schedule)\b/],
  ['receptionist', /\b(receptionist|front desk|reception|a human|operator)\b|\b(to|with) (someone|somebody|a (real )?person)\b(?! about)/],
  [
    'yes',
    /^(yes|yeah|yep|yup|sure|ok|okay|alright|all right|please|correct|right|exactly|absolutely|great|fine|perfect)\b|\b(that works|book it|sounds (good|great)|that('s| is) (fine|right|correct|perfect|great|good)|perfect|go ahead|please do|do it|that would be great|(book|take) that)\b/,
  ],
  ['no', /^(no|nope|nah|not really|not|wrong|i meant|i said)\b|\b(that's|that is) (wrong|not right)\b|\bnot that one\b/],
  ['first', /\b(first one|the first|earliest|soonest|as soon as possible|next available|first available|the next (one|available)|is first)\b/],
  ['greeting', /^(hello|hi|hey|good (morning|afternoon|evening))\b/],
  ['thanks', /\b(thank you|thanks)\b/],
  ['goodbye', /\b(goodbye|bye|that's all|that is all|that's everything|have a (nice|good) day)\b/],
];

function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/(\d)(am|pm)\b/g, '$1 $2')
    .replace(/\b([ap])\.?\s?m\b\.?/g, '$1m')
    .replace(/[^a-z0-9:' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** The words without hesitations ("oh" stays where it is a number: "nine oh five"). */
function meaningful(words: string[]): string[] {
  return words.filter((w, i) => !HESITATIONS.has(w) || (w === 'oh' && HOURS[words[i - 1]] !== undefined && words[i + 1] === 'five'));
}

type Time = { hour: number; minute: number; marked: boolean; at: number; end: number };

/** The clock time that starts at `i`, if one does: "ten", "ten thirty", "9:30", "half past two", "quarter to three". */
function timeAt(words: string[], i: number): Time | undefined {
  const w = words[i];
  if ((w === 'half' || w === 'quarter') && (words[i + 1] === 'past' || words[i + 1] === 'to') && HOURS[words[i + 2]]) {
    const named = HOURS[words[i + 2]];
    if (words[i + 1] === 'past') return { hour: named, minute: w === 'half' ? 30 : 15, marked: true, at: i, end: i + 3 };
    if (w === 'half') return undefined;
    return { hour: named === 1 ? 12 : named - 1, minute: 45, marked: true, at: i, end: i + 3 };
  }
  const digits = /^(\d{1,2})(?::(\d{2}))?$/.exec(w);
  const hour = digits ? Number(digits[1]) : HOURS[w];
  if (!hour || hour > 23) return undefined;
  if (hour > 12) return digits ? { hour, minute: Number(digits[2] ?? 0), marked: true, at: i, end: i + 1 } : undefined;
  let minute = digits?.[2] ? Number(digits[2]) : 0;
  let j = i + 1;
  if (!digits && MINUTES[words[j]] !== undefined) {
    minute = MINUTES[words[j]];
    j++;
    if (MINUTE_UNITS[words[j]] !== undefined) minute += MINUTE_UNITS[words[j++]];
  }
  const next = words[j];
  const marked = next === "o'clock" || next === 'oclock' || next === 'am' || next === 'pm' || minute > 0 || Boolean(digits?.[2]);
  return { hour, minute, marked, at: i, end: j };
}

function parseTime(words: string[]): { time?: string; partOfDay?: 'morning' | 'afternoon' } {
  const partOfDay = words.includes('morning') ? 'morning' : words.includes('afternoon') ? 'afternoon' : undefined;
  const found: Time[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === 'noon' || words[i] === 'midday') {
      found.push({ hour: 12, minute: 0, marked: true, at: i, end: i + 1 });
      continue;
    }
    const t = words[i] === 'one' && ONE_AS_PRONOUN.has(words[i - 1]) ? undefined : timeAt(words, i);
    if (!t) continue;
    // A bare hour is a time only after a word that introduces one, or as (most of) a short answer.
    if (t.marked || TIME_CUES.has(words[i - 1]) || words.length <= 4) found.push(t);
    i = t.end - 1;
  }
  const meant = found.find((t) => !NOT_THIS.has(words[t.at - 1])) ?? found[0];
  if (!meant) return { partOfDay };
  let hour = meant.hour;
  const after = words.slice(meant.end, meant.end + 2);
  const pm = after.includes('pm') || partOfDay === 'afternoon' || words.includes('evening');
  const am = after.includes('am') || partOfDay === 'morning';
  if (hour <= 12) {
    if (pm && hour < 12) hour += 12;
    else if (!am && !pm && hour >= 1 && hour <= 7) hour += 12;
    else if (am && hour === 12) hour = 0;
  }
  return { time: `${String(hour).padStart(2, '0')}:${String(meant.minute).padStart(2, '0')}`, partOfDay };
}

function parseDoctor(words: string[]): string | undefined {
  const named = words.flatMap((w, at) => {
    if (w !== 'doctor' && w !== 'dr') return [];
    const name: string[] = [];
    for (const n of words.slice(at + 1)) {
      if (STOP_AFTER_NAME.has(n) || isWeekday(n) || n === 'doctor' || n === 'dr' || name.length === 2) break;
      name.push(n);
    }
    return name.length ? [{ name: name.join(' '), not: NOT_THIS.has(words[at - 1]) }] : [];
  });
  return (named.find((d) => !d.not) ?? named[0])?.name;
}

/** Reads a caller's utterance (recognised or typed) into intents and slots, by keywords. */
export function parseUtterance(text: string): ParsedUtterance {
  const words = tokenize(text);
  const core = meaningful(words);
  const joined = core.join(' ');
  const intents = new Set<Intent>(KEYWORDS.filter(([, re]) => re.test(joined)).map(([intent]) => intent));
  if (intents.has('my_appointments') && (intents.has('cancel') || intents.has('move'))) intents.delete('my_appointments');
  // "Actually, Thursday" corrects like "no, Thursday"; "actually, yes" does not.
  if (core[0] === 'actually' && !intents.has('yes') && core.length > 1) intents.add('no');
  const days = core.flatMap((w, i) => (isWeekday(w) || w === 'today' || w === 'tomorrow' ? [i] : []));
  const dayIndex = days.find((i) => !NOT_THIS.has(core[i - 1])) ?? days[0] ?? -1;
  const day = dayIndex >= 0 ? (core[dayIndex] as ParsedUtterance['day']) : undefined;
  return {
    words,
    intents,
    doctor: parseDoctor(core),
    day,
    nextWeek: dayIndex > 0 && core[dayIndex - 1] === 'next' && isWeekday(core[dayIndex]),
    ...parseTime(core),
  };
}
