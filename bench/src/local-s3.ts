import { setupBucket } from '@app/server/storage';
import { adminClient, createTestBucket, listKeys, parseEnvLines, type S3Env } from '@app/test-utils';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL('../../scripts/local-s3/', import.meta.url));

/** BENCH_S3_PORT moves the whole cluster (data dir, ports), e.g. beside one a killed bench left. */
const PORT = Number(process.env.BENCH_S3_PORT) || 7482;

/**
 * The bench's own Ceph cluster: its own data dir and ports, so a bench never stops or fills the
 * test suite's or `pnpm dev`'s store. Memstore holds objects in RAM; 256 MiB uploads are deleted
 * after each trial, the extra room is for a trial that fails before its cleanup. RGW frees a
 * deleted object's data only through its garbage collector, by default 2 h later (checked hourly):
 * a full bench writes more than the memstore holds, which then fills and blocks every request.
 * CEPH_ARGS (read by every daemon the script starts) makes it collect at once, every 2 s.
 */
const BENCH_CLUSTER = {
  S3_DATA_DIR: PORT === 7482 ? '/tmp/typed-s3-uploads-bench' : `/tmp/typed-s3-uploads-bench-${PORT}`,
  S3_PORT: String(PORT),
  CEPH_MON_PORT: String(46791 + PORT - 7482),
  CEPH_MEMSTORE_BYTES: String(4 * 1024 ** 3),
  CEPH_ARGS: '--rgw_gc_obj_min_wait=0 --rgw_gc_processor_period=2',
};

async function answering(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** The parent's env without S3/Ceph settings meant for another cluster. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(S3_|CEPH_)/.test(k)));
}

export interface BenchS3 {
  env: S3Env;
  /** The cluster's data dir: its daemons' command lines name it (for CPU accounting). */
  dataDir: string;
  admin: S3Client;
  bucket: string;
  /** Installs the CORS rule for the origin the browser uploads from. */
  allowOrigins(origins: string[]): Promise<void>;
  /** Deletes every object, so memstore never fills up across 256 MiB trials. */
  emptyBucket(): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchS3(log: (line: string) => void): Promise<BenchS3> {
  const endpoint = `http://127.0.0.1:${BENCH_CLUSTER.S3_PORT}`;
  const startedByUs = !(await answering(`${endpoint}/`));
  const t0 = performance.now();
  const { stdout } = await run('bash', [`${SCRIPTS}ceph-rgw-start.sh`], {
    env: { ...cleanEnv(), ...BENCH_CLUSTER },
    maxBuffer: 10 * 1024 * 1024,
    timeout: 5 * 60_000,
  });
  const vars = parseEnvLines(stdout);
  if (!vars.S3_ENDPOINT || !vars.S3_ACCESS_KEY || !vars.S3_SECRET_KEY) throw new Error(`ceph-rgw-start.sh printed no S3 settings:\n${stdout}`);
  const env: S3Env = {
    S3_ENDPOINT: vars.S3_ENDPOINT,
    S3_REGION: vars.S3_REGION ?? 'us-east-1',
    S3_ACCESS_KEY: vars.S3_ACCESS_KEY,
    S3_SECRET_KEY: vars.S3_SECRET_KEY,
  };
  log(`Ceph RGW ${startedByUs ? 'started' : 'reused'} at ${env.S3_ENDPOINT} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const admin = adminClient(env);
  const { bucket, drop } = await createTestBucket(admin, 'bench');
  // The store layers from the start: the production server (footprint) refuses a bucket without them.
  await setupBucket(admin, { bucket, origins: ['http://127.0.0.1'] });
  const emptyBucket = async () => {
    for (const key of await listKeys(admin, bucket)) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  };

  return {
    env,
    dataDir: BENCH_CLUSTER.S3_DATA_DIR,
    admin,
    bucket,
    async allowOrigins(origins) {
      await setupBucket(admin, { bucket, origins });
    },
    emptyBucket,
    async close() {
      await drop().catch(() => undefined);
      admin.destroy();
      if (!startedByUs) return;
      await run('bash', [`${SCRIPTS}ceph-rgw-stop.sh`, '--purge'], {
        env: { ...cleanEnv(), S3_DATA_DIR: BENCH_CLUSTER.S3_DATA_DIR },
        timeout: 2 * 60_000,
      });
      log('Ceph RGW stopped and purged');
    },
  };
}
