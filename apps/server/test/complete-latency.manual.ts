/**
 * `upload.complete` latency for a user holding 0 files and one holding 10,000 (issue 10: 42 ms vs
 * 441 ms when complete listed the user's prefix; target: at 10,000 at most 1.2x the latency at 0).
 * Not a test (timings belong in benchmarks); run against the local Ceph:
 *   S3_PORT=... npx tsx test/complete-latency.manual.ts [files=10000] [rounds=40]
 */
import { makePng } from '@app/test-utils';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { performance } from 'node:perf_hooks';
import { mutate, signToken, startTestApp } from './harness';

const files = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 40);
const t = await startTestApp();
const body = makePng(4, 4);

async function fill(user: string, count: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const key = `uploads/${user}/${i.toString(16).padStart(32, '0')}-old.png`;
        await t.admin.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: body, ContentType: 'image/png' }));
      }
    }),
  );
}

/** requestUrl as a client calls it: a 429 (the user's files still being counted) is waited out. */
async function sign(token: string) {
  for (;;) {
    const res = await mutate(t.app, 'upload.requestUrl', { fileName: 'a.png', contentType: 'image/png', size: body.length }, token);
    if (res.status === 200) return res.data;
    if (res.status !== 429) throw new Error(`requestUrl answered ${res.status}: ${res.error?.message}`);
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after'] ?? 1) * 1000));
  }
}

async function measure(user: string): Promise<number[]> {
  const token = await signToken(user);
  const times: number[] = [];
  const first = performance.now();
  await sign(token);
  console.log(`${user}: first requestUrl (cold: the bucket is counted) took ${(performance.now() - first).toFixed(0)} ms`);
  for (let i = -3; i < rounds; i++) {
    const target = await sign(token);
    await fetch(target.url, { method: 'PUT', headers: target.headers, body });
    const start = performance.now();
    const done = await mutate(t.app, 'upload.complete', { key: target.key }, token);
    const ms = performance.now() - start;
    if (done.status !== 200) throw new Error(`complete answered ${done.status}: ${done.error?.message}`);
    if (i >= 0) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
try {
  const suffix = Math.random().toString(36).slice(2, 8);
  const filling = performance.now();
  await fill(`many-${suffix}`, files);
  console.log(`stored ${files} files in ${((performance.now() - filling) / 1000).toFixed(0)} s`);
  const rows = [];
  for (const [label, user] of [
    ['0 files', `none-${suffix}`],
    [`${files} files`, `many-${suffix}`],
  ] as const) {
    const times = await measure(user);
    rows.push({ label, p50: pct(times, 50), p90: pct(times, 90) });
  }
  for (const r of rows) console.log(`complete, user holding ${r.label.padEnd(12)} p50 ${r.p50.toFixed(1)} ms  p90 ${r.p90.toFixed(1)} ms`);
  console.log(`ratio p50 ${(rows[1]!.p50 / rows[0]!.p50).toFixed(2)}x (target <= 1.2x)`);
} finally {
  await t.close();
}
