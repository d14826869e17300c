export * from './speech';
export * from './fake-azure-speech';
