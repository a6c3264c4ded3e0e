import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { ObjectUnreadableError, VersionChangedError, type UploadSealer, type UploadStorage } from '@app/api';
import { createPresigner } from './presigner';
import { copyVersion } from './s3-copy';
import { createS3JsonObjects } from './s3-json-objects';
import { createS3List } from './s3-list';
import { createS3Multipart } from './s3-multipart';
import { createS3UsageSource } from './s3-usage';

const metaHeader = (name: string) => `x-amz-meta-${name}`;

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'NotFound' || name === 'NoSuchKey' || statusOf(error) === 404;
}

/** The store refuses the bucket owner an object (403): the object's own ACL leaves us out. */
const unreadable = (key: string, error: unknown) => (statusOf(error) === 403 ? new ObjectUnreadableError(`the store refuses access to ${key}`, { cause: error }) : error);

/** A precondition on the version failed (412), or the object is gone (404): it changed. */
async function sameVersion<T>(key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (statusOf(error) === 412 || isNotFound(error)) throw new VersionChangedError(`${key} changed`, { cause: error });
    throw unreadable(key, error);
  }
}

/**
 * `UploadStorage` on any S3-compatible store. `sealer` binds declared metadata to keys with the
 * secret every instance shares (UPLOAD_METADATA_SECRET).
 */
export function createS3Storage(client: S3Client, bucket: string, sealer: UploadSealer): UploadStorage {
  const presign = createPresigner(client, bucket);
  const json = createS3JsonObjects(client, bucket);
  return {
    sealer,

    async presignPut({ key, contentType, size, metadata, expiresIn }) {
      const headers: Record<string, string> = { 'Content-Type': contentType };
      for (const [name, value] of Object.entries(metadata)) headers[metaHeader(name)] = value;
      // Content-Type, Content-Length and the metadata are signed headers: the store refuses any other.
      const url = await presign({ method: 'PUT', key, headers: { ...headers, 'Content-Length': String(size) }, expiresIn });
      return { url, headers };
    },

    async presignPost({ key, contentType, size, metadata, expiresIn }) {
      const fields: Record<string, string> = { 'Content-Type': contentType };
      for (const [name, value] of Object.entries(metadata)) fields[metaHeader(name)] = value;
      const post = await createPresignedPost(client, {
        Bucket: bucket,
        Key: key,
        Expires: expiresIn,
        Fields: fields,
        Conditions: [
          ['content-length-range', size, size],
          ['eq', '$Content-Type', contentType],
          ...Object.entries(fields)
            .filter(([name]) => name !== 'Content-Type')
            .map(([name, value]) => ['eq', `$${name}`, value] as ['eq', string, string]),
        ],
      });
      return { url: post.url, fields: post.fields };
    },

    async headObject(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: out.ContentLength ?? 0, contentType: out.ContentType, metadata: out.Metadata ?? {}, etag: out.ETag ?? '' };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw unreadable(key, error);
      }
    },

    async readObject(key, length) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${length - 1}` }));
        const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        // "bytes 0-4099/262144": the object's size is after the slash.
        const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
        const size = total === undefined ? (out.ContentLength ?? bytes.length) : Number(total);
        return { object: { size, contentType: out.ContentType, metadata: out.Metadata ?? {}, etag: out.ETag ?? '' }, bytes: bytes.subarray(0, length) };
      } catch (error) {
        if (isNotFound(error)) return null;
        // An empty object has no byte 0 to start at.
        if (statusOf(error) === 416) {
          const object = await this.headObject(key);
          return object && { object, bytes: new Uint8Array() };
        }
        throw unreadable(key, error);
      }
    },

    readStart(key, length, etag) {
      return sameVersion(key, async () => {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${length - 1}`, IfMatch: etag }));
        return out.Body ? out.Body.transformToByteArray() : new Uint8Array();
      });
    },

    async copyObject(request) {
      await sameVersion(request.source, () => copyVersion(client, bucket, request));
    },

    async deleteObject(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    presignGet(key, expiresIn, response) {
      // response-* parameters are part of the signed query: the store answers with exactly these.
      const query = response && { 'response-content-type': response.contentType, 'response-content-disposition': response.contentDisposition };
      return presign({ method: 'GET', key, query, expiresIn });
    },

    putJson: (key, value) => json.put(key, value),
    getJson: (key) => json.get(key),

    ...createS3List(client, bucket),
    ...createS3Multipart(client, bucket, presign),
    ...createS3UsageSource(client, bucket),
  };
}
