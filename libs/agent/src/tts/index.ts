export * from './tts';
export * from './cartesia-tts';
export * from './openai-tts';
export * from './espeak-tts';
export * from './azure-speech-tts';
