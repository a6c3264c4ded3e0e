import { EnvError, loadSetupConfig } from '../env';
import { createS3Client } from '../storage/s3-client';
import { sweepStaging } from '../storage/sweep';

/**
 * `pnpm s3:sweep`: deletes staged files and aborts multipart uploads older than STAGING_MAX_AGE_SECONDS
 * that were never completed, and reports them.
 */
async function main() {
  const config = loadSetupConfig();
  const client = createS3Client(config.s3);
  const report = await sweepStaging(client, config.s3.bucket, config.stagingMaxAgeSeconds);
  console.log(
    `s3:sweep: "${config.s3.bucket}": removed ${report.deleted} stale staged file(s) (${report.bytes} bytes), ` +
      `aborted ${report.aborted.length} multipart upload(s) older than ${config.stagingMaxAgeSeconds} s`,
  );
  for (const upload of report.aborted) console.log(`  aborted ${upload.key} (started ${upload.initiated})`);
  client.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : `s3:sweep failed: ${String((error as Error)?.message ?? error)}`);
  process.exit(1);
});
