import type { S3Env } from '@app/test-utils';

/** What the parent passes to server-child.ts (as JSON in BENCH_SERVER_CONFIG). */
export interface ServerChildConfig {
  s3: S3Env;
  bucket: string;
  jwtSecret: string;
  maxBytes: number;
  webDistDir: string | undefined;
}

/** The multipart knobs the bench varies per trial; the SPA reads them through `upload.policy`. */
export interface PolicyPatch {
  multipartThresholdBytes?: number;
  multipartConcurrency?: number;
}

export type ChildRequestBody = { type: 'cpu' | 'bytes' | 'profile-start' | 'exit' } | { type: 'profile-stop'; path: string } | { type: 'policy'; patch: PolicyPatch };
export type ChildRequest = ChildRequestBody & { id: number };

export type ChildReply =
  | { type: 'ready'; port: number }
  | { type: 'cpu'; micros: number }
  | { type: 'bytes'; read: number; written: number }
  | { type: 'profiling' }
  | { type: 'profile'; path: string }
  | { type: 'policy' }
  | { type: 'bye' };
