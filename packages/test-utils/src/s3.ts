import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { S3Env } from './local-s3';

/** An admin client for assertions (not the product's client). */
export function adminClient(env: S3Env, which: 'main' | 'other' = 'main'): S3Client {
  const accessKeyId = which === 'main' ? env.S3_ACCESS_KEY : env.S3_OTHER_ACCESS_KEY;
  const secretAccessKey = which === 'main' ? env.S3_SECRET_KEY : env.S3_OTHER_SECRET_KEY;
  if (!accessKeyId || !secretAccessKey) throw new Error(`no ${which} S3 credentials in the environment`);
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A fresh private bucket with a unique name; `drop()` empties and deletes it. */
export async function createTestBucket(client: S3Client, label = 'test') {
  const bucket = `${label}-${randomBytes(6).toString('hex')}`.toLowerCase().slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    bucket,
    async drop() {
      // 16 at a time: a bucket of thousands of files (the files API's paging test) empties in seconds, not minutes.
      const keys = await listKeys(client, bucket);
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < keys.length; i = next++) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys[i] }));
        }),
      );
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    },
  };
}

export async function listKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function getBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}
