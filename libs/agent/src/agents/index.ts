export * from './calendar';
export * from './clinic-port';
export * from './definitions';
export * from './runner';
export * from './tools';
