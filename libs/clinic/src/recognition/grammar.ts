/**
 * The JSGF grammar for what callers say to the clinic front desk. Pocketsphinx decodes against it
 * instead of a generic language model: with the grammar about 1 word in 13 comes back wrong, with the
 * generic model about 9 in 10. Keep the phrasings in step with the keywords the offline agent reads
 * (`offline/intents.ts`): a phrase the grammar lacks can never be recognised.
 */
export interface ClinicGrammarInput {
  /** As stored, e.g. "Dr. Alice Smith"; titles are dropped. */
  doctorNames: string[];
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const HOURS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const MINUTES = ['oh five', 'ten', 'fifteen', 'twenty', 'twenty five', 'thirty', 'thirty five', 'forty', 'forty five', 'fifty', 'fifty five'];
const TITLES = new Set(['dr', 'doctor', 'prof', 'professor', 'mr', 'mrs', 'ms', 'miss']);

/** Fixed rules; `<name>` is generated from the doctors. */
const RULES: Record<string, string> = {
  utterance: '[<opener>] <request> [<closer>] | <opener> [<closer>] | <closer>',
  opener: 'hello | hi | hey | good morning | good afternoon | good evening | yes | yeah | yep | no | okay | sure',
  closer: "please | thank you [very much] | thanks [a lot] | that's all [thank you] | that is all | goodbye | bye",
  request: [
    '<booking>',
    '<availability>',
    '<choosing>',
    '<moving>',
    '<cancelling>',
    '<my_appointments>',
    '<opening_hours>',
    '<billing>',
    '<handoff>',
    '<closing>',
  ].join(' | '),

  want: "i would like to | i'd like to | i want to | i need to | can i | could i | may i | i wanna",
  ask: 'could you | can you | would you | please',
  appointment: '(an | a | my | the) appointment',
  doctor: 'doctor <name>',
  with_doctor: 'with <doctor>',
  day: `${WEEKDAYS.join(' | ')} | today | tomorrow | next <weekday> | this <weekday>`,
  weekday: WEEKDAYS.join(' | '),
  part_of_day: 'morning | afternoon | evening',
  on_day: '[on | for] <day> [<part_of_day>]',
  hour: HOURS.join(' | '),
  minute: MINUTES.join(' | '),
  ampm: 'a.m. | p.m.',
  time: "<hour> [<minute>] [<ampm>] | <hour> o'clock [<ampm>] | noon",
  at_time: '[at | around | about] <time> [in the (morning | afternoon | evening)] | in the (morning | afternoon | evening)',
  when: '<on_day> [<at_time>] | <at_time> [<on_day>]',

  booking: [
    '[<want> | <ask>] (book | schedule | make) [me] [<appointment>] [<with_doctor>] [<when>]',
    '[<want>] see <doctor> [<when>]',
    '[<want>] (get | have) <appointment> [<with_doctor>] [<when>]',
  ].join(' | '),
  availability: [
    'when is <doctor> (available | free) [<when>]',
    'is <doctor> (available | free) [<when>]',
    'what times are (free | available) [<with_doctor>] [<when>]',
    'when can i see <doctor> [<when>]',
    '(do you have | are there | is there) any (openings | availability | free times) [<with_doctor>] [<when>]',
    'who is (available | free) [<when>]',
  ].join(' | '),
  choosing: [
    '<at_time>',
    '<on_day> [<at_time>]',
    'the first one | the first | the earliest [one] | the soonest',
    '[yes] that works [for me] | that is fine | sounds good | perfect',
    '[yes] book it | [yes] please book it',
  ].join(' | '),
  moving: '[<want> | <ask>] (move | reschedule | change) my appointment [<with_doctor>] [<on_day>] [to (<day> [<at_time>] | <at_time>)]',
  cancelling: '[<want> | <ask>] cancel my appointment [<with_doctor>] [<on_day>] [<at_time>]',
  my_appointments: [
    'when is my appointment [<with_doctor>]',
    'what appointments do i have [<on_day>]',
    'what are my appointments',
    'do i have an appointment [<on_day>]',
  ].join(' | '),
  opening_hours: ['what are your (opening hours | hours)', 'when are you open [<on_day>]', 'are you open [<on_day>]'].join(' | '),
  billing: [
    "(what is | what's) my balance",
    'how much do i owe',
    "(what is | what's) the status of my claim",
    'i have a (billing question | question about my bill)',
  ].join(' | '),
  handoff: ['[<want>] (talk | speak) to (the receptionist | the front desk | billing | scheduling | someone)', 'i need to schedule [<appointment>]'].join(
    ' | ',
  ),
  closing: "that's all | that is all | goodbye | bye | bye bye",
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
