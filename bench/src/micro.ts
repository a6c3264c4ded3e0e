import { generateKey, requestUrlInput, type SignRequest } from '@app/api';
import { createDeps } from '@app/server/deps';
import { loadConfig } from '@app/server/env';
import { s3Credentials, serverEnv, type S3Env } from '@app/test-utils';
import { BENCH_JWT_SECRET, BENCH_SEAL_SECRET, signJwt } from './jwt';
import { REQUEST_URL_BODY } from './load';
import { makeRow, type Row } from './stats';

/** Calls `fn` back to back for `ms` (after a warm-up) and returns µs per call. Bounded by time. */
async function perCall(fn: () => unknown, ms: number): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await fn();
    calls++;
  }
  return ((performance.now() - t0) * 1000) / calls;
}

/**
 * Where a requestUrl's time goes, one building block at a time, each with the product's own code
 * (imported, never copied), in this process while the server child is idle. Explains a MISS.
 */
export async function microCosts(s3: S3Env, bucket: string, rounds: number, msPerCall = 300): Promise<Row[]> {
  // Wired as the server wires itself (createDeps over the validated environment), like server-child.ts.
  const env = loadConfig(serverEnv(s3, bucket, { AUTH_JWT_SECRET: BENCH_JWT_SECRET, UPLOAD_METADATA_SECRET: BENCH_SEAL_SECRET }));
  const deps = await createDeps(env, { credentials: s3Credentials(s3) });
  const { auth, storage } = deps;
  const header = `Bearer ${signJwt('bench-user')}`;
  const body = JSON.parse(REQUEST_URL_BODY) as { fileName: string; contentType: string; size: number };
  const request: SignRequest = {
    key: 'staging/bench/default/0123456789abcdef0123456789abcdef-clip.mp4',
    contentType: body.contentType,
    size: body.size,
    expiresIn: 300,
    metadata: { 'declared-size': String(body.size), 'declared-type': body.contentType },
  };
  const blocks: Array<[string, () => unknown]> = [
    ['JSON.parse + zod requestUrlInput', () => requestUrlInput.parse(JSON.parse(REQUEST_URL_BODY))],
    ['auth.verify (HS256 JWT)', () => auth.verify(header)],
    ['generateKey', () => generateKey('bench-user', 'default', body.fileName, body.contentType)],
    ['storage.presignPut (product adapter)', () => storage.presignPut(request)],
  ];
  const samples = new Map<string, number[]>(blocks.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of blocks) samples.get(name)!.push(await perCall(fn, msPerCall));
  }
  deps.close();
  return blocks.map(([name]) => makeRow({ metric: `in-process: ${name}`, unit: 'µs/call', samples: samples.get(name)! }));
}
