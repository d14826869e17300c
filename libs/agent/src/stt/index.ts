export * from './stt';
