export * from './common';
export * from './client-address';
export * from './auth';
export * from './profile';
export * from './conversations';
export * from './calls';
export * from './clinic';
export * from './schedule';
