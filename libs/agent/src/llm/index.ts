export * from './llm';
