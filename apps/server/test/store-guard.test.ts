import { adminClient, createTestBucket, ensureLocalS3, listKeys } from '@app/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBucket } from '../src/storage/bucket-setup';
import { probeCopyGuard } from '../src/storage/store-guard';

describe('the copy guard probe (checked when the server starts)', () => {
  let admin: ReturnType<typeof adminClient>;
  beforeAll(async () => {
    admin = adminClient(await ensureLocalS3());
  });
  afterAll(() => admin?.destroy());

  it('finds that Ceph RGW copies into a bucket without the bucket policy, and that s3:setup stops it; it leaves nothing behind', async () => {
    const { bucket, drop } = await createTestBucket(admin, 'guard');
    try {
      expect(await probeCopyGuard(admin, bucket)).toEqual({ result: 'copied' });
      await setupBucket(admin, { bucket, origins: ['http://a.test'] });
      expect(await probeCopyGuard(admin, bucket)).toEqual({ result: 'refused' });
      expect(await listKeys(admin, bucket)).toEqual([]);
    } finally {
      await drop();
    }
  });

  it('says it could not tell when the bucket cannot be reached', async () => {
    expect(await probeCopyGuard(admin, 'no-such-bucket-for-the-guard')).toMatchObject({ result: 'unknown' });
  });
});
