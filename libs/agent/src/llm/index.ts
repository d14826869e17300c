export * from './llm';
export * from './offline';
