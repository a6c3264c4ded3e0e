import { generateKey, requestUrlInput, type SignRequest } from '@app/api';
import { createAuth } from '@app/server/auth';
import { createNodeSealer, createS3Client, createS3Storage } from '@app/server/storage';
import type { S3Env } from '@app/test-utils';
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
  const auth = createAuth({ jwtSecret: BENCH_JWT_SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined, devSignIn: false, tokenTtlSeconds: 3600 });
  const credentials = { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY };
  const client = createS3Client({ bucket, region: s3.S3_REGION, endpoint: s3.S3_ENDPOINT, forcePathStyle: true }, credentials);
  const storage = createS3Storage(client, bucket, createNodeSealer(BENCH_SEAL_SECRET));
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
  client.destroy();
  return blocks.map(([name]) => makeRow({ metric: `in-process: ${name}`, unit: 'µs/call', samples: samples.get(name)! }));
}
