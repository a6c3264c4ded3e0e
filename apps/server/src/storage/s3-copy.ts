import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** CopyObject handles at most 5 GiB; larger objects are copied in 1 GiB ranges. */
const COPY_PART_BYTES = 1024 ** 3;
const SINGLE_COPY_MAX_BYTES = 5 * 1024 ** 3;

/**
 * Copies exactly the version `etag` of `source` to `target`, with its type and metadata. Every
 * request is conditional on that ETag, so a concurrent overwrite of the source fails the copy (412).
 */
export async function copyVersion(client: S3Client, bucket: string, source: string, target: string, etag: string, size: number) {
  const copySource = `${bucket}/${source.split('/').map(encodeURIComponent).join('/')}`;
  if (size <= SINGLE_COPY_MAX_BYTES) {
    await client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: copySource, CopySourceIfMatch: etag, MetadataDirective: 'COPY' }),
    );
    return;
  }
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: source, IfMatch: etag }));
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: target, ContentType: head.ContentType, Metadata: head.Metadata }),
  );
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
