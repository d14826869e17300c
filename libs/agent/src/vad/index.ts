export * from './vad';
