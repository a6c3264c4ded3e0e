export type { ResumeRecord } from '@app/upload-client';
