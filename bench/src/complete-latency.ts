import { userPrefix } from '@app/api';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { signJwt } from './jwt';
import { listKeys } from '@app/test-utils';
import type { BenchS3 } from './local-s3';
import { requestPutUrl } from './presign';
import type { SpaStack } from './spa-stack';
import { atMostRatio, makeRow, rotate, type Row } from './stats';
import type { TestFiles } from './test-files';

export interface CompleteOptions {
  rounds: number;
  /** Files the second user already holds. */
  held: number;
  /** Seeding and cleanup requests in flight at once. */
  parallel: number;
  log: (line: string) => void;
}

/** Runs `fn(i)` for i in [0, count), at most `parallel` at a time. */
async function pool(count: number, parallel: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await fn(i);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * `upload.complete` for a user holding no files and for one holding many (seeded straight into
 * the bucket with the S3 client): the call must not grow with what the user already stores.
 */
export async function completeSection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: CompleteOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const origin = stack.server.origin;
  const run = randomBytes(3).toString('hex');
  const users = { empty: `held-0-${run}`, full: `held-${o.held}-${run}` };
  const prefix = await userPrefix(users.full);
  // Presigned PUTs over node:http with keep-alive: a fraction of the SDK's (or fetch's) CPU per
  // request, so the store sets the pace.
  const agent = new Agent({ keepAlive: true, maxSockets: o.parallel });
  const t0 = performance.now();
  await pool(o.held, o.parallel, async (i) => {
    const key = `${prefix}${randomBytes(16).toString('hex')}-seed-${i}.mp4`;
    const target = await s3.storage.presignPut({ key, contentType: 'video/mp4', size: 4, metadata: {}, expiresIn: 600 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(target.url, { method: 'PUT', headers: { ...target.headers, 'content-length': 4 }, agent }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject).end('seed');
    });
    if (status !== 200) throw new Error(`seeding ${key}: HTTP ${status}`);
  });
  agent.destroy();
  const seedSeconds = (performance.now() - t0) / 1000;
  o.log(`  complete: seeded ${o.held} objects under ${prefix} in ${seedSeconds.toFixed(1)} s`);
  const file = files.get(1);
  const body = readFileSync(file.path);

  /** requestUrl and the PUT untimed; then one timed `upload.complete` over HTTP, in ms. */
  async function trial(user: string): Promise<number> {
    const target = await requestPutUrl(origin, { name: file.name, type: 'video/mp4', size: file.size }, user);
    const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body });
    if (!put.ok) throw new Error(`PUT to the store: HTTP ${put.status} ${await put.text()}`);
    const t = performance.now();
    const res = await fetch(`${origin}/trpc/upload.complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signJwt(user)}` },
      body: JSON.stringify({ key: target.key }),
    });
    const text = await res.text();
    const ms = performance.now() - t;
    if (!res.ok) throw new Error(`upload.complete: HTTP ${res.status} ${text.slice(0, 300)}`);
    return ms;
  }

  const ms: Record<keyof typeof users, number[]> = { empty: [], full: [] };
  try {
    for (const who of ['empty', 'full'] as const) await trial(users[who]); // warm-up, discarded
    for (let round = 0; round < o.rounds; round++) {
      for (const who of rotate(['empty', 'full'] as const, round)) {
        ms[who].push(await trial(users[who]));
        o.log(`  complete round ${round + 1}/${o.rounds} ${users[who]}: ${ms[who].at(-1)!.toFixed(1)} ms`);
      }
    }
  } finally {
    // A cluster the bench started is purged at the end; deleting 10,000 objects would cost as much as seeding them.
    if (!s3.purgedOnClose) {
      const keys = await listKeys(s3.admin, s3.bucket);
      await pool(keys.length, o.parallel, (i) => s3.admin.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: keys[i] })));
    }
  }
  return {
    rows: [
      makeRow({ metric: 'upload.complete, user holding 0 files', unit: 'ms', samples: ms.empty }),
      makeRow({
        metric: `upload.complete, user holding ${o.held.toLocaleString('en-US')} files`,
        unit: 'ms',
        samples: ms.full,
        baseline: { metric: '0 files', samples: ms.empty },
        target: atMostRatio(1.2),
      }),
    ],
    notes: [
      `${o.held.toLocaleString('en-US')} objects seeded under ${prefix} straight into the bucket (presigned PUTs over node:http, ${o.parallel} in flight, ${seedSeconds.toFixed(1)} s), never through the API. ` +
        `${o.rounds} rounds, users alternated, after one discarded warm-up each: requestUrl and the PUT of a 1 MiB file untimed, then one upload.complete over HTTP timed (the bench's clock, keep-alive connection).`,
    ],
  };
}
