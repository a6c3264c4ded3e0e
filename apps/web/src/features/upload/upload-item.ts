export type { UploadItem, UploadStatus } from '@app/upload-client';
