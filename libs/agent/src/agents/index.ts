export * from './clinic-port';
