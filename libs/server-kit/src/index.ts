export * from './api-error';
export * from './bootstrap';
export * from './error-filter';
export * from './health';
export * from './logger';
export * from './openapi';
export * from './rate-limit';
export * from './zod-pipe';
