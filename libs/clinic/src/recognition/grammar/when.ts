/**
 * Days and times as people say them: "Tuesday", "next Monday", "this Friday afternoon", "at ten",
 * "at half past two", "around quarter past ten", "at ten thirty", "three p.m.", "in the afternoon".
 * A bare hour always comes after a word that introduces it ("at", "around", "to" …): allowing one
 * almost anywhere made noise at an utterance's end come back as a stray "two" or "eight", which
 * books the wrong time.
 *
 * Pocketsphinx expands every rule reference in place, so each `<time>` referenced costs the whole
 * rule again in decoder states (and search time): reference these few times, from shared tails.
 */
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const HOURS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const MINUTES = ['oh five', 'ten', 'fifteen', 'twenty', 'twenty five', 'thirty', 'thirty five', 'forty', 'forty five', 'fifty', 'fifty five'];

export const WHEN_RULES: Record<string, string> = {
  weekday: WEEKDAYS.join(' | '),
  day: '[next | this] <weekday> | today | tomorrow',
  part_of_day: 'morning | afternoon | evening',
  /** "on Tuesday morning", "for tomorrow", "next Monday" (not "on today", which only the decoder says). */
  day_phrase: '[on | for] [next | this] <weekday> [<part_of_day>] | [for] (today | tomorrow [<part_of_day>])',
  on_day: '<day_phrase> | [sometime] (next | this) week',
  hour: HOURS.join(' | '),
  minute: MINUTES.join(' | '),
  /** "ten", "ten thirty", "three p.m.", "nine o'clock", "half past two", "quarter to four", "noon". */
  time: "<hour> [<minute>] [a.m. | p.m. | o'clock] | (half | quarter) past <hour> | quarter to <hour> | noon | midday",
  in_part: 'in the (morning | afternoon | evening)',
  /** A time inside a request, with its introducing word. */
  at_time: '(at | around | about) <time> [<in_part>] | <in_part>',
  /**
   * A day after a time needs a word that ties it on ("at ten on Monday", "at ten next Monday"): with a
   * bare weekday allowed there, "next Monday" came back as "at ten Monday" and "this Friday" as "at eight Friday".
   */
  later_day: '(on | for) [next | this] <weekday> [<part_of_day>] | (next | this) (<weekday> [<part_of_day>] | week) | today | tomorrow [<part_of_day>]',
  when: '<on_day> [<at_time>] | <at_time> [<later_day>]',
};
