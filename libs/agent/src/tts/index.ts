export * from './tts';
