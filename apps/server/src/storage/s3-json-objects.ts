import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Small JSON documents under one prefix of the bucket, with a create-only write (the event outbox's lease). */
export interface JsonObjects {
  /** Every key under `prefix`, in the store's (lexicographic) order. */
  list(prefix: string): Promise<string[]>;
  /** null when there is no such object. */
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  /** Writes only if the key does not exist (`If-None-Match: *`); false when it did. */
  create(key: string, value: unknown): Promise<boolean>;
  delete(keys: string[]): Promise<void>;
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const isNotFound = (error: unknown) => (error as { name?: string })?.name === 'NoSuchKey' || statusOf(error) === 404;

export function createS3JsonObjects(client: S3Client, bucket: string): JsonObjects {
  const body = (value: unknown) => ({ Body: JSON.stringify(value), ContentType: 'application/json' });
  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of out.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse((await out.Body?.transformToString()) ?? 'null') as unknown;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async put(key, value) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, ...body(value) }));
    },
    async create(key, value) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: '*', ...body(value) }));
        return true;
      } catch (error) {
        // 412: it exists. 409: another create of the same key is in progress (AWS S3).
        if (statusOf(error) === 412 || statusOf(error) === 409) return false;
        throw error;
      }
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
        if (Objects.length) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
      }
    },
  };
}
