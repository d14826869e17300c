export * from './intents';
export * from './offline-llm';
export * from './complete-request';
