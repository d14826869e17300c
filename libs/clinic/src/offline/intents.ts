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
const STOP_AFTER_NAME = new Set(['on', 'at', 'for', 'this', 'next', 'today', 'tomorrow', 'please', 'in', 'the', 'and', 'is', 'available', 'free']);

const KEYWORDS: [Intent, RegExp][] = [
  ['cancel', /\bcancel/],
  ['move', /\b(move|reschedule|change)\b/],
  ['my_appointments', /\b(when is|what|which) (is )?my appointment|\bappointments do i have|\bmy appointments\b/],
  ['book', /\b(book|schedule an|make an|an appointment|see (the )?doctor)\b/],
  ['availability', /\b(available|availability|free|openings|what times|when can)\b/],
  ['hours', /\b(opening hours|hours|when are you open|are you open|open on)\b/],
  ['balance', /\b(balance|owe|how much)\b/],
  ['claims', /\b(claim|claims|insurance)\b/],
  ['billing', /\b(billing|bill|payment|pay)\b/],
  ['scheduling', /\b(scheduling|scheduler|need to schedule)\b/],
  ['receptionist', /\b(receptionist|front desk)\b/],
  ['yes', /^(yes|yeah|yep|sure|ok|okay|please|correct|right)\b|\b(that works|book it|sounds good|that('s| is) (fine|right)|perfect)\b/],
  ['no', /^(no|nope|not really)\b/],
  ['first', /\b(first one|the first|earliest|soonest)\b/],
  ['greeting', /^(hello|hi|hey|good (morning|afternoon|evening))\b/],
  ['thanks', /\b(thank you|thanks)\b/],
  ['goodbye', /\b(goodbye|bye|that's all|that is all)\b/],
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

function parseTime(words: string[]): { time?: string; partOfDay?: 'morning' | 'afternoon' } {
  const partOfDay = words.includes('morning') ? 'morning' : words.includes('afternoon') ? 'afternoon' : undefined;
  if (words.includes('noon')) return { time: '12:00', partOfDay };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const digits = /^(\d{1,2})(?::(\d{2}))?$/.exec(w);
    let hour = digits ? Number(digits[1]) : HOURS[w];
    if (!hour || hour > 12) {
      if (digits && hour >= 13 && hour <= 23) return { time: `${hour}:${digits[2] ?? '00'}`, partOfDay };
      continue;
    }
    let minute = digits?.[2] ? Number(digits[2]) : 0;
    let j = i + 1;
    if (!digits && MINUTES[words[j]] !== undefined) {
      minute = MINUTES[words[j]];
      j++;
      if (MINUTE_UNITS[words[j]] !== undefined) minute += MINUTE_UNITS[words[j++]];
    } else if (!digits && words[j] === 'five' && words[j - 1] === 'oh') minute = 5;
    const next = words[j];
    const marked = next === "o'clock" || next === 'oclock' || next === 'am' || next === 'pm' || minute > 0 || Boolean(digits?.[2]);
    const afterAt = words[i - 1] === 'at';
    if (!marked && !afterAt && words.length > 4) continue;
    const pm = words.slice(j, j + 2).includes('pm') || partOfDay === 'afternoon';
    const am = words.slice(j, j + 2).includes('am') || partOfDay === 'morning';
    if (pm && hour < 12) hour += 12;
    else if (!am && !pm && hour >= 1 && hour <= 7) hour += 12;
    else if (am && hour === 12) hour = 0;
    return { time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, partOfDay };
  }
  return { partOfDay };
}

function parseDoctor(words: string[]): string | undefined {
  const at = words.findIndex((w) => w === 'doctor' || w === 'dr');
  if (at < 0) return undefined;
  const name: string[] = [];
  for (const w of words.slice(at + 1)) {
    if (STOP_AFTER_NAME.has(w) || isWeekday(w) || name.length === 2) break;
    name.push(w);
  }
  return name.length ? name.join(' ') : undefined;
}

/** Reads a caller's utterance (recognised or typed) into intents and slots, by keywords. */
export function parseUtterance(text: string): ParsedUtterance {
  const words = tokenize(text);
  const joined = words.join(' ');
  const intents = new Set<Intent>(KEYWORDS.filter(([, re]) => re.test(joined)).map(([intent]) => intent));
  if (intents.has('my_appointments') && (intents.has('cancel') || intents.has('move'))) intents.delete('my_appointments');
  const dayIndex = words.findIndex((w) => isWeekday(w) || w === 'today' || w === 'tomorrow');
  const day = dayIndex >= 0 ? (words[dayIndex] as ParsedUtterance['day']) : undefined;
  return {
    words,
    intents,
    doctor: parseDoctor(words),
    day,
    nextWeek: dayIndex > 0 && words[dayIndex - 1] === 'next' && isWeekday(words[dayIndex]),
    ...parseTime(words),
  };
}
