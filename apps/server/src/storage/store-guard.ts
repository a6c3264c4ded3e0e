import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { STAGING_ROOT } from '@app/api';
import { randomBytes } from 'node:crypto';
import { createPresigner } from './presigner';

/**
 * What the store did with a pre-signed PUT to staging/ that an uploader turned into a copy:
 * `refused` (the store checks that every x-amz-* header is signed, as AWS S3 does, or the bucket
 * policy of `pnpm s3:setup` denies it), `copied` (anyone can copy what the server can read), or
 * `unknown` (the probe itself failed; the error says why).
 */
export type CopyGuard = { result: 'refused' } | { result: 'copied' } | { result: 'unknown'; error: unknown };

/**
 * Tries the copy attack on the store, once, on objects of its own: writes a probe object, signs a
 * PUT to a second key exactly as `requestUrl` signs uploads, sends it with an unsigned
 * `x-amz-copy-source` naming the first, and removes both. `.probe` is no user's segment (user
 * segments start with a letter or digit), so no upload can ever collide with it.
 */
export async function probeCopyGuard(client: S3Client, bucket: string): Promise<CopyGuard> {
  const id = randomBytes(8).toString('hex');
  const source = `${STAGING_ROOT}.probe/${id}-source`;
  const target = `${STAGING_ROOT}.probe/${id}-target`;
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: source, Body: 'probe', ContentType: 'text/plain' }));
    const url = await createPresigner(
      client,
      bucket,
    )({
      method: 'PUT',
      key: target,
      headers: { 'Content-Type': 'text/plain', 'Content-Length': '5' },
      expiresIn: 60,
    });
    const res = await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain', 'x-amz-copy-source': `/${bucket}/${source}` },
      body: 'probe',
    });
    await res.arrayBuffer();
    return { result: res.ok ? 'copied' : 'refused' };
  } catch (error) {
    return { result: 'unknown', error };
  } finally {
    for (const Key of [source, target]) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => {});
  }
}

export const COPY_GUARD_MISSING =
  'The store turns a pre-signed upload into a copy when the uploader adds an unsigned x-amz-copy-source header, ' +
  "and nothing in this bucket refuses it: any user could read any file the server's credentials can read. " +
  'Run `pnpm s3:setup` (its bucket policy denies it), or give the server credentials that can read nothing but ' +
  'this bucket (README, Security model).';
