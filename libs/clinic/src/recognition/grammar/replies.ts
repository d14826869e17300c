/**
 * Answers to the agent's questions: confirmations ("yes please", "that's right", "go ahead"),
 * refusals, corrections of one part ("no, Wednesday", "actually make it three", "not Tuesday,
 * Thursday", "no, with Doctor Lopez"), picking an offered time ("the first one", "ten thirty",
 * "at half past two") and the small talk around them.
 */
export const REPLY_RULES: Record<string, string> = {
  reply: '<confirming> | <refusing> | <correcting> | <choosing> | <small_talk>',

  yes_word: 'yes | yeah | yep | yup | sure | okay | alright | correct | right | exactly | absolutely | perfect | great | fine',
  confirming: [
    '<yes_word> [<yes_word>] [please]',
    "[<yes_word>] ((that's | that is) (right | correct | fine | perfect | great | good) | that works [for me] | that would be great | sounds good | go ahead | please do)",
    '[<yes_word>] [please] (book it | book that [one] | take that [one]) [please]',
  ].join(' | '),

  refusing: "no [thanks | thank you] | nope | not really | [no] not that one | [no] (that's | that is) (wrong | not right)",

  /** "no, Wednesday", "actually, make it three", "how about ten thirty", "no, with Doctor Lopez", "on Friday". */
  correcting: [
    '(no | nope | actually | no actually) [<filler>] [<correction_cue>] <changed> [instead] [please]',
    '<correction_cue> <changed> [instead] [please]',
    '<when> [instead] [please] | with <doctor>',
    '[no] not (<weekday> [<filler>] <weekday> | <hour> [<filler>] <hour> | <doctor> [<filler>] <doctor>)',
  ].join(' | '),
  correction_cue: "i meant | i said | make it | how about | what about | can we do | let's do | let's say",
  /** One part changed. A bare hour ("three") only after a no or a cue: alone it is an utterance of its own (grammar.ts). */
  changed: '<when> | <time> [<later_day>] | [with] <doctor>',

  choosing:
    'the (first | earliest | soonest) [one | available | time] | the next (one | available [one]) | (whatever | whichever) is (first | soonest | earliest) | as soon as possible',

  small_talk: [
    'hello [there] | hi [there] | hey [there] | good (morning | afternoon | evening)',
    'thank you [very much | so much] | thanks [a lot | so much]',
    "[no] (that's all | that is all | that's everything) [thank you | thanks] [goodbye | bye] | goodbye | bye [bye] | have a (nice | good) day",
  ].join(' | '),
};
