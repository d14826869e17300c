export * from './media-client';
export * from './speech';
