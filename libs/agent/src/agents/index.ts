export * from './agent-set';
export * from './runner';
export * from './tools';
