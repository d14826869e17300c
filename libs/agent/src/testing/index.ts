export * from './speech';
