import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { CopyRequest } from '@app/api';

/** CopyObject handles at most 5 GiB; larger objects are copied in 1 GiB ranges. */
const COPY_PART_BYTES = 1024 ** 3;
const SINGLE_COPY_MAX_BYTES = 5 * 1024 ** 3;

/**
 * Copies exactly the version `etag` of `source` to `target`. Only the bytes come from the source:
 * the type and metadata are the ones given, and nothing else the uploader sent along with the
 * upload (Content-Disposition, Cache-Control, Content-Encoding, x-amz-meta-*, tags, a website
 * redirect, ACL grants) reaches the target. Every request is conditional on that ETag, so a
 * concurrent overwrite of the source fails the copy (412).
 */
export async function copyVersion(client: S3Client, bucket: string, { source, target, etag, size, contentType, metadata }: CopyRequest) {
  const copySource = `${bucket}/${source.split('/').map(encodeURIComponent).join('/')}`;
  if (size <= SINGLE_COPY_MAX_BYTES) {
    await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: target,
        CopySource: copySource,
        CopySourceIfMatch: etag,
        MetadataDirective: 'REPLACE',
        ContentType: contentType,
        Metadata: metadata,
        TaggingDirective: 'REPLACE',
      }),
    );
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target, ContentType: contentType, Metadata: metadata }));
  try {
    const parts = [];
    for (let start = 0, n = 1; start < size; start += COPY_PART_BYTES, n++) {
      const end = Math.min(size, start + COPY_PART_BYTES) - 1;
      const out = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: target,
          UploadId,
          PartNumber: n,
          CopySource: copySource,
          CopySourceIfMatch: etag,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      parts.push({ PartNumber: n, ETag: out.CopyPartResult?.ETag });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: target, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target, UploadId })).catch(() => {});
    throw error;
  }
}
