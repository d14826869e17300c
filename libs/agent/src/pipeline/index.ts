export * from './heard-text';
export * from './playout';
export * from './sentence-splitter';
export * from './turn-detector';
export * from './voice-session';
