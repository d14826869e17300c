export * from './intents';
export * from './offline-llm';
