export * from './credential-cache';
export * from './credential-probe';
export * from './openai-credential';
