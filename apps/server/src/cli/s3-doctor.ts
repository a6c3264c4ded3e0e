import { EnvError, loadDoctorConfig } from '../env';
import { formatTable, summaryLine } from '../doctor/format';
import { runDoctor } from '../doctor/run';
import { createS3Client } from '../storage/s3-client';

/**
 * `pnpm s3:doctor [--json | --summary]`: probes the configured bucket with throwaway keys and prints what the
 * store enforces. Exits 1 when something makes the product unsafe or broken (unless every unsafe
 * finding is listed in S3_ACCEPT_UNSAFE_STORE and nothing is broken).
 */
async function main() {
  const json = process.argv.includes('--json');
  const summary = process.argv.includes('--summary');
  const config = loadDoctorConfig();
  const client = createS3Client(config.s3);
  try {
    const report = await runDoctor({ client, ...config.s3, webOrigins: config.webOrigins });
    const accepted = report.unsafe.filter((id) => config.acceptUnsafe.includes(id));
    const exitCode = report.broken.length || report.unsafe.length > accepted.length ? 1 : 0;
    if (json) {
      console.log(JSON.stringify({ ...report, acceptedUnsafe: accepted, exitCode }, null, 2));
    } else if (summary) {
      console.log(`${summaryLine(report)}${report.exitCode ? ' (pnpm s3:doctor shows why)' : ''}`);
    } else {
      console.log(`s3:doctor: bucket "${config.s3.bucket}" on ${config.s3.endpoint ?? 'AWS'}\n`);
      console.log(formatTable(report));
      if (accepted.length) console.log(`accepted by S3_ACCEPT_UNSAFE_STORE: ${accepted.join(', ')}`);
    }
    process.exitCode = exitCode;
  } finally {
    client.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : `s3:doctor failed: ${String((error as Error)?.message ?? error)}`);
  process.exit(2);
});
