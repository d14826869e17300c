export { grammarWords } from './jsgf';
export { DEFAULT_MODEL_DIR, PocketsphinxStt, type PocketsphinxSttOptions } from './pocketsphinx-stt';
