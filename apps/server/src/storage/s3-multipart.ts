import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoredPart, UploadStorage } from '@app/api';
import type { Presign } from './presigner';

type MultipartStorage = Pick<UploadStorage, 'createMultipart' | 'presignPart' | 'listParts' | 'completeMultipart' | 'abortMultipart'>;

const isNoSuchUpload = (error: unknown) =>
  (error as { name?: string })?.name === 'NoSuchUpload' || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/** Multipart uploads on any S3-compatible store. */
export function createS3Multipart(client: S3Client, bucket: string, presign: Presign): MultipartStorage {
  return {
    async createMultipart({ key, contentType, metadata }) {
      const out = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, Metadata: metadata }));
      if (!out.UploadId) throw new Error('the store returned no UploadId');
      return out.UploadId;
    },

    async presignPart({ key, uploadId, partNumber, size, contentMd5, expiresIn }) {
      // The part's exact length is signed, and its MD5 when given: the store checks every byte against it.
      const headers: Record<string, string> = contentMd5 ? { 'Content-MD5': contentMd5 } : {};
      const url = await presign({
        method: 'PUT',
        key,
        query: { partNumber: String(partNumber), uploadId },
        headers: { ...headers, 'Content-Length': String(size) },
        expiresIn,
      });
      return { url, headers };
    },

    async listParts(key, uploadId) {
      const parts: StoredPart[] = [];
      let marker: string | undefined;
      try {
        do {
          const out = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
          for (const p of out.Parts ?? []) parts.push({ partNumber: p.PartNumber ?? 0, etag: p.ETag ?? '', size: p.Size ?? 0 });
          marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
        } while (marker);
      } catch (error) {
        if (isNoSuchUpload(error)) return null;
        throw error;
      }
      return parts;
    },

    async completeMultipart(key, uploadId, parts) {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    },

    async abortMultipart(key, uploadId) {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      } catch (error) {
        if (!isNoSuchUpload(error)) throw error;
      }
    },
  };
}
