export * from './auth';
export * from './upload';
