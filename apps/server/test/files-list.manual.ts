/**
 * What HEADing a `files.list` page costs at each concurrency: 100 files, HEADed 1, 4, 8, 16 and
 * 32 at a time (files.ts HEAD_CONCURRENCY). Not a test (timings belong in benchmarks); run against
 * the local Ceph:  S3_PORT=... npx tsx test/files-list.manual.ts [rounds=5]
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { makePng } from '@app/test-utils';
import { performance } from 'node:perf_hooks';
import { startTestApp } from './harness';

const rounds = Number(process.argv[2] ?? 5);
const t = await startTestApp();
const keys = Array.from({ length: 100 }, (_, i) => `uploads/m/image/${i.toString(16).padStart(32, '0')}-f.png`);
await Promise.all(keys.map((Key) => t.admin.send(new PutObjectCommand({ Bucket: t.bucket, Key, Body: makePng(4, 4), ContentType: 'image/png' }))));

async function headAll(concurrency: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < keys.length; i = next++) await t.admin.send(new HeadObjectCommand({ Bucket: t.bucket, Key: keys[i] }));
    }),
  );
}

for (const concurrency of [1, 4, 8, 16, 32]) {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    await headAll(concurrency);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`concurrency ${String(concurrency).padStart(2)}: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms per 100 HEADs (min ${times[0]!.toFixed(0)})`);
}
await t.close();
