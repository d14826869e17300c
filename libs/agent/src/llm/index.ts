export * from './llm';
export * from './offline';
export * from './openai-llm';
