export * from './auth';
export * from './upload';
export * from './multipart';
