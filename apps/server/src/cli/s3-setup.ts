import { EnvError, loadSetupConfig } from '../env';
import { setupBucket } from '../storage/bucket-setup';
import { createS3Client } from '../storage/s3-client';

const said = { applied: 'applied', unchanged: 'unchanged', unsupported: 'not supported by this store' } as const;

/**
 * `pnpm s3:setup`: creates the bucket if missing, applies the CORS rule for WEB_ORIGINS, the
 * staging lifecycle rule and the store layers, and says for each layer what it did.
 */
async function main() {
  const config = loadSetupConfig();
  const client = createS3Client(config.s3);
  const report = await setupBucket(client, {
    bucket: config.s3.bucket,
    origins: config.webOrigins,
    stagingMaxAgeSeconds: config.stagingMaxAgeSeconds,
  });
  const where = config.s3.endpoint ?? 'AWS';
  const { publicAccessBlock, bucketPolicy, ownershipControls } = report.protection;
  console.log(
    [
      `s3:setup: bucket "${config.s3.bucket}" on ${where}: ${report.bucketCreated ? 'created' : 'exists'}`,
      `  CORS for ${config.webOrigins.join(', ')}: ${report.corsChanged ? 'applied' : 'unchanged'}`,
      `  staging expiry rule: ${said[report.lifecycle]}`,
      `  bucket policy (no copy, public ACL or grants into staging/): ${said[bucketPolicy]}`,
      `  public access block (public ACLs ignored, public policies refused): ${said[publicAccessBlock]}`,
      `  ownership controls (object ACLs off): ${said[ownershipControls]}`,
    ].join('\n'),
  );
  if (bucketPolicy === 'unsupported') {
    console.warn(
      's3:setup: WARNING: this store takes no bucket policy. If it accepts unsigned x-amz-* headers on pre-signed PUTs ' +
        '(Ceph RGW does, AWS S3 does not), an uploader can copy any object the server can read into staging: ' +
        'give the server credentials that can read nothing but this bucket (see the README, Security model).',
    );
  }
  client.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : `s3:setup failed: ${String((error as Error)?.message ?? error)}`);
  process.exit(1);
});
