import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../env';

/**
 * The one S3 client of a process. Checksums only WHEN_REQUIRED: since SDK 3.729 the default signs
 * a CRC32 of an empty body into presigned PUT URLs, which S3-compatible stores reject.
 */
export function createS3Client(s3: Config['s3']): S3Client {
  return new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
