import { EnvError, loadSetupConfig } from '../env';
import { createS3Client } from '../storage/s3-client';
import { sweepStaging } from '../storage/sweep';

/** `pnpm s3:sweep`: deletes staged uploads older than STAGING_MAX_AGE_SECONDS that were never completed. */
async function main() {
  const config = loadSetupConfig();
  const client = createS3Client(config.s3);
  const report = await sweepStaging(client, config.s3.bucket, config.stagingMaxAgeSeconds);
  console.log(`s3:sweep: removed ${report.deleted} stale staged upload(s), ${report.bytes} bytes, from "${config.s3.bucket}"`);
  client.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : `s3:sweep failed: ${String((error as Error)?.message ?? error)}`);
  process.exit(1);
});
