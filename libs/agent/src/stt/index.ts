export * from './stt';
export * from './deepgram-stt';
export * from './openai-stt';
export * from './pocketsphinx';
export * from './azure-speech-stt';
