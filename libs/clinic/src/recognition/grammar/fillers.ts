/**
 * Hesitations and small words callers put before and between the parts of a request ("um, so, I'd
 * like to …", "okay so what are your hours"). Without them pocketsphinx forces an "um" onto the
 * nearest word the grammar has ("book"), which changes what the agent does.
 * (Pocketsphinx ignores JSGF weights, measured: they cannot make a filler merely unlikely.)
 */
export const FILLER_RULES: Record<string, string> = {
  /**
   * Only "um": with "uh", "er", "ah" and "oh" too, the decoder heard those short sounds in the silence
   * before a short reply, "no" becoming "uh oh" and "hello" "oh" (measured on espeak-ng replies, web and
   * phone paths). The parser ignores them all, whatever the grammar allows.
   */
  hesitation: 'um',
  /** Not "so" or "well" alone: they took the place of a first word ("how much" → "so what", "when are" → "well are"). */
  filler: 'um [um] | okay so [um]',
  opener: 'hello [there] | hi [there] | hey [there] | good (morning | afternoon | evening) | yes | yeah | okay',
  closer: 'please | thank you [very much | so much] | thanks [a lot | so much] | that is all | goodbye | bye',
};
