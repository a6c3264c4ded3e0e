export * from './auth';
export * from './upload';
export * from './multipart';
export * from './files';
