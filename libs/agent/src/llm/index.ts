export * from './llm';
export * from './openai-llm';
