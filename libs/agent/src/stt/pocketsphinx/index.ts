export { buildClinicGrammar, grammarWords, nameAlternatives, type ClinicGrammarInput } from './grammar';
export { DEFAULT_MODEL_DIR, PocketsphinxStt, type PocketsphinxSttOptions } from './pocketsphinx-stt';
