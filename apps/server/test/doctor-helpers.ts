import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { listKeys, type S3Env } from '@app/test-utils';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DoctorReport } from '../src/doctor/run';
import type { CheckId, CheckResult } from '../src/doctor/types';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
export const WEB_ORIGIN = 'http://localhost:5173';

/** The environment the server (and so the doctor) reads, for a bucket of the test store. */
export function storeEnv(env: Pick<S3Env, 'S3_ENDPOINT' | 'S3_REGION'>, bucket: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  return {
    PATH: process.env.PATH ?? '',
    S3_BUCKET: bucket,
    S3_REGION: env.S3_REGION,
    S3_ENDPOINT: env.S3_ENDPOINT,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    WEB_ORIGINS: WEB_ORIGIN,
  };
}

/** `pnpm s3:doctor --json` as a process: its exit code and report. */
export async function runDoctorCli(env: Record<string, string>) {
  const out = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/s3-doctor.ts', '--json'], { cwd: SERVER_DIR, env }).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => {
      if (typeof error.code !== 'number') throw error;
      return { stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: error.code };
    },
  );
  const report = JSON.parse(out.stdout) as DoctorReport & { acceptedUnsafe: CheckId[] };
  return { code: 'code' in out ? out.code : 0, report, stderr: out.stderr };
}

export const row = (report: { checks: CheckResult[] }, id: CheckId) => report.checks.find((c) => c.id === id)!;

export const statuses = (report: { checks: CheckResult[] }) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

/** Everything the doctor may have written: objects and multipart uploads under its prefixes. */
export async function probeLeftovers(client: S3Client, bucket: string): Promise<string[]> {
  const keys = [...(await listKeys(client, bucket, 'staging/.doctor/')), ...(await listKeys(client, bucket, 'uploads/.doctor/'))];
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'staging/.doctor/' })).catch(() => ({ Uploads: [] }));
  return [...keys, ...(uploads.Uploads ?? []).map((u) => `multipart ${u.Key}`)];
}
