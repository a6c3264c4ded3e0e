import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadStorage } from '@app/api';

const metaHeader = (name: string) => `x-amz-meta-${name}`;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** `UploadStorage` on any S3-compatible store. */
export function createS3Storage(client: S3Client, bucket: string): UploadStorage {
  return {
    async presignPut({ key, contentType, size, metadata, expiresIn }) {
      const headers: Record<string, string> = { 'Content-Type': contentType };
      for (const [name, value] of Object.entries(metadata)) headers[metaHeader(name)] = value;
      const metaHeaders = Object.keys(metadata).map(metaHeader);
      // Content-Type, Content-Length and the metadata are signed headers: the store refuses any other.
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: size, Metadata: metadata }),
        {
          expiresIn,
          signableHeaders: new Set(['content-type', 'content-length', ...metaHeaders]),
          unhoistableHeaders: new Set(metaHeaders),
        },
      );
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
        return { size: out.ContentLength ?? 0, contentType: out.ContentType, metadata: out.Metadata ?? {} };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async deleteObject(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    presignGet(key, expiresIn) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
    },
  };
}
