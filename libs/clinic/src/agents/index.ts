export * from './billing-tools';
export * from './clinic-errors';
export * from './clinic-port';
export * from './context';
export * from './definitions';
export * from './scheduling-tools';
