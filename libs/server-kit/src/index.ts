export * from './api-error';
export * from './bootstrap';
export * from './error-filter';
export * from './health';
export * from './logger';
export * from './zod-pipe';
