/**
 * Hesitations and small words callers put before and between the parts of a request ("um, so, I'd
 * like to …", "okay so what are your hours"). Without them pocketsphinx forces an "um" onto the
 * nearest word the grammar has ("book"), which changes what the agent does.
 */
export const FILLER_RULES: Record<string, string> = {
  hesitation: 'um | uh | er | hmm | ah | oh',
  filler: '<hesitation> [<hesitation>] | so | well | okay so | so um | well um',
  opener: 'hello [there] | hi [there] | hey [there] | good (morning | afternoon | evening) | yes | yeah | okay | oh hi',
  closer: 'please | thank you [very much | so much] | thanks [a lot | so much] | that is all | goodbye | bye',
};
