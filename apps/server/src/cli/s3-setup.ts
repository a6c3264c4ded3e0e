import { EnvError, loadSetupConfig } from '../env';
import { setupBucket } from '../storage/bucket-setup';
import { createS3Client } from '../storage/s3-client';

/** `pnpm s3:setup`: creates the bucket if missing and applies the CORS rule for WEB_ORIGINS. */
async function main() {
  const config = loadSetupConfig();
  const client = createS3Client(config.s3);
  const report = await setupBucket(client, {
    bucket: config.s3.bucket,
    origins: config.webOrigins,
    stagingMaxAgeSeconds: config.stagingMaxAgeSeconds,
  });
  const where = config.s3.endpoint ?? 'AWS';
  console.log(
    `s3:setup: bucket "${config.s3.bucket}" on ${where}: ${report.bucketCreated ? 'created' : 'exists'}; ` +
      `CORS for ${config.webOrigins.join(', ')}: ${report.corsChanged ? 'applied' : 'already up to date'}; ` +
      `staging expiry rule: ${report.lifecycle}`,
  );
  client.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : `s3:setup failed: ${String((error as Error)?.message ?? error)}`);
  process.exit(1);
});
