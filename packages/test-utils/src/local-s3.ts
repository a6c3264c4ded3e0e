import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { currentEnv, exportEnv } from './env';

const run = promisify(execFile);

export interface S3Env {
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_ACCESS_KEY: string;
  S3_SECRET_KEY: string;
  S3_OTHER_ACCESS_KEY?: string;
  S3_OTHER_SECRET_KEY?: string;
}

const START = fileURLToPath(new URL('../../../scripts/local-s3/ceph-rgw-start.sh', import.meta.url));

/** Test cluster defaults: apart from `pnpm dev`'s, so a test run never stops the dev store. */
export const TEST_S3_DEFAULTS = {
  S3_DATA_DIR: '/tmp/typed-s3-uploads-test',
  S3_PORT: '7481',
  CEPH_MON_PORT: '46790',
  // In RAM; the multipart tests store several 300 MiB files, and RGW frees deleted data only later.
  CEPH_MEMSTORE_BYTES: String(8 * 1024 ** 3),
};

function fromProcess(): S3Env | null {
  const e = currentEnv();
  if (!e.S3_ENDPOINT || !e.S3_ACCESS_KEY || !e.S3_SECRET_KEY) return null;
  return {
    S3_ENDPOINT: e.S3_ENDPOINT,
    S3_REGION: e.S3_REGION ?? 'us-east-1',
    S3_ACCESS_KEY: e.S3_ACCESS_KEY,
    S3_SECRET_KEY: e.S3_SECRET_KEY,
    S3_OTHER_ACCESS_KEY: e.S3_OTHER_ACCESS_KEY,
    S3_OTHER_SECRET_KEY: e.S3_OTHER_SECRET_KEY,
  };
}

/** The KEY=VALUE lines ceph-rgw-start.sh prints (optionally `export`ed or quoted). */
export function parseEnvLines(stdout: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(?:export )?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) values[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
  }
  return values;
}

/**
 * The S3 server for tests: the one named by S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY, or a local
 * Ceph RGW started with the project's script (idempotent: a running cluster is reused).
 * Exports the values to the environment so test workers inherit them.
 */
export async function ensureLocalS3(): Promise<S3Env> {
  const existing = fromProcess();
  if (existing) return existing;
  const { stdout } = await run('bash', [START], {
    env: { ...TEST_S3_DEFAULTS, ...currentEnv() },
    maxBuffer: 10 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  exportEnv(parseEnvLines(stdout));
  const env = fromProcess();
  if (!env) throw new Error(`ceph-rgw-start.sh printed no S3 settings:\n${stdout}`);
  return env;
}
