/**
 * Requests to the front desk, each intent in the many ways callers phrase it: polite preambles
 * ("could you", "I was wondering if I could", "is it possible to"), "I'd like to see Doctor Jones",
 * "does Doctor Brown have any openings on …", "put me through to billing", "what time do you close",
 * "how much do I owe". Keep in step with the parser (`offline/intents.ts`).
 *
 * Built as heads followed by one shared tail (`<details>`: doctor, day and time in either order),
 * because pocketsphinx expands each rule reference in place: a tail per phrasing made the decoder
 * ten times larger and slower.
 */
export const REQUEST_RULES: Record<string, string> = {
  // "come in" only after a lead ("could I come in"): alone, it was the decoder's reading of "correct".
  request: '[<lead>] <action> [<details>] | <lead> come in [<when>] | [<lead>] <plain_action> | <question> [<details>] | <moving> | <fixed>',

  /** What comes before the verb: "I'd like to", "could you please", "I was wondering if I could". */
  lead: [
    "i would like to | i'd like to | i want to | i need to | i wanna | i'd love to",
    "i'm looking to | i'm trying to | i'm calling to | i was hoping to",
    'can i | could i | may i | can we | could we | let me',
    'i was wondering if (i | you) could | (is it | would it be) possible to | do you think (i | you) could',
    'could you [please] | can you [please] | would you [please] | please',
  ].join(' | '),
  ask: 'could you [please] | can you [please] | would you [please] | please',
  appointment_noun: 'appointment | checkup | visit | consultation',
  /** One to book ("an appointment", "a checkup"); "my appointment" is one the caller has. */
  new_appointment: '(an | a | another | a new) <appointment_noun>',
  doctor: 'doctor <name>',
  someone: '<doctor> | the doctor',
  /** Doctor, day and time after a request, in either order: "with Doctor Jones on Tuesday at ten". */
  details: 'with <someone> [<when>] | <when> [with <someone>]',
  mine: 'my [<weekday>] <appointment_noun> | the <appointment_noun>',
  it_or_mine: 'it | that | <mine>',
  move_verb: 'move | reschedule | change | switch | push back | bring forward',

  /** What follows a lead ("I'd like to …", "could you …"). */
  action: [
    '(book | schedule) [me [in]] [<new_appointment> [for me]]',
    '(make | get | have | set up) <new_appointment> [for me]',
    '(see | get in with | come in and see | come in to see) <someone>',
    'cancel <it_or_mine>',
  ].join(' | '),
  /** What follows a lead and takes no doctor, day or time ("… talk to someone about billing"). */
  plain_action: [
    '(know | check) (my appointments | when my appointment is | my [account] balance)',
    '(talk | speak) to <desk> [about (billing | my bill | my claim | an appointment)]',
    'check [on] my [insurance] (claim | claims) | pay my bill | tell me my [account] balance',
  ].join(' | '),

  openings: 'openings | availability | appointments | slots | times',
  open: 'free | available | open',
  /** Questions that take a doctor, day or time after them. */
  question: [
    "(i need | i'd like | i want | can i get | could i get | can i have) <new_appointment>",
    '(when | what day | what time) is <doctor> (available | free | in | working)',
    'is <someone> (available | free | in | working)',
    '(does | would) <doctor> have (any <openings> | anything) [<open>]',
    '(do you have | are there | is there | have you got) any <openings> [<open>]',
    '(do you have | is there | have you got) anything [<open>]',
    'any <openings> [<open>]',
    'what (times | days) (are <open> | do you have [<open>])',
    'when can i (see <someone> | come in)',
    'when is the (next | first | earliest) (available | free | open) (appointment | time)',
    'who is (available | free | in | working)',
    'what appointments do i have | do i have (an | any) (appointment | appointments) [coming up]',
    '(are you | is the clinic | is the office) open',
  ].join(' | '),

  /** "move my appointment with Doctor Jones on Monday to Wednesday at ten". */
  moving: [
    // "move it" only after a lead ("can you move it"): alone, it was the decoder's reading of "perfect".
    '(<lead> <move_verb> (it | that) | [<lead>] <move_verb> <mine>) [with <someone>] [<day_phrase>] [(to | for) (<when> | <hour> [<later_day>])] [instead]',
    '[<lead>] push <it_or_mine> (back | forward) [(to | until) <on_day>]',
    "i (can't | cannot | won't be able to) make (it | my <appointment_noun>) [<day_phrase>] [so] [<ask>] (cancel | move | reschedule) it",
  ].join(' | '),

  desk: 'the receptionist | the front desk | reception | billing | scheduling | someone | a person | somebody',
  /** Requests complete in themselves. */
  fixed: [
    '(when is | what is | what time is) my [next] <appointment_noun> [with <doctor>]',
    '(what | when) are my appointments | [<ask>] (tell | remind) me (my appointments | when my appointment is)',
    'what are (your | the) [opening | office] hours [<day_phrase>]',
    '(when | what time) (are you | is the clinic | is the office) open [<day_phrase>]',
    '(what time | when) (do you | does the clinic | does the office) (open | close) [<day_phrase>]',
    'how late are you open [<day_phrase>]',
    "(what is | what's) my [account] balance | how much do i owe [you] | do i owe you anything | what do i owe",
    'how much is (left | due | outstanding) on my (bill | account)',
    "(what is | what's) the status of my [insurance] claim | has my [insurance] claim (gone through | been processed | been paid) [yet]",
    'i have a (billing question | question about (my bill | billing | my account))',
    '(how can | how do | can) i pay my bill',
    '[<ask>] (put me through | transfer me | connect me) to <desk>',
    'i need to schedule something | (billing | scheduling | reception) please',
  ].join(' | '),
};
