import { ensureLocalS3 } from '@app/test-utils';

/** Starts (or reuses) the real S3 server the tests run against. */
export default async function setup() {
  await ensureLocalS3();
}
