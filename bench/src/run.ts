/**
 * `pnpm bench`: builds the SPA and server, starts the bench's own Ceph RGW, runs the selected
 * sections, prints one table per section and writes bench/results/latest.{json,md}. Figures are
 * reported against baselines measured in the same run; nothing here asserts a timing.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSection } from './browser';
import { buildPackage } from './build';
import { bytesSection } from './bytes';
import { codeSize } from './code-size';
import { completeSection } from './complete-latency';
import { footprintSection } from './footprint';
import { lossySection } from './lossy';
import { multipartSection } from './multipart';
import { smallFilesSection } from './small-files';
import { BENCH_JWT_SECRET } from './jwt';
import { startBenchS3, type BenchS3 } from './local-s3';
import { parseOptions, type SectionId } from './options';
import { machine, renderText, writeReport, type Report, type Section } from './report';
import type { ServerChildConfig } from './server-protocol';
import { signingSection } from './signing';
import { startSpaStack, type SpaStack } from './spa-stack';
import type { Row } from './stats';
import { MiB, TestFiles } from './test-files';
import { weightSection } from './weight';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const WEB_DIST = join(ROOT, 'apps/web/dist');
const TITLES: Record<SectionId, string> = {
  signing: '1. Signing throughput (autocannon, 64 connections)',
  bytes: '2. The API server never carries file bytes',
  browser: '3. Upload speed in Chromium: the SPA, Uppy and a bare PUT (loopback)',
  multipart: "4. Multipart against the technique's ceiling (loopback)",
  lossy: '5. A lossy slow link: multipart, single PUT and Uppy',
  batch: '6. Many small files picked at once',
  complete: '7. upload.complete with many files held',
  weight: '8. SPA weight (production build)',
  footprint: '9. Server footprint (built server)',
};

const t0 = performance.now();
const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1);
const log = (line: string) => console.error(`[bench ${elapsed()}s] ${line}`);
const options = parseOptions(process.argv.slice(2), process.env);
const wants = (id: SectionId) => options.only.includes(id);
const sections: Section[] = [];
const setupNotes: string[] = [];
const files = new TestFiles();
let s3: BenchS3 | undefined;
let stack: SpaStack | undefined;

async function section(id: SectionId, body: () => Promise<{ rows: Row[]; notes: string[] }>) {
  if (!wants(id)) return;
  log(`section ${id}`);
  const start = performance.now();
  const result: Section = { id, title: TITLES[id], rows: [], notes: [], seconds: 0 };
  try {
    Object.assign(result, await body());
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`section ${id} failed: ${result.error}`);
  }
  result.seconds = (performance.now() - start) / 1000;
  sections.push(result);
}

async function cleanup() {
  await stack?.close().catch((e: unknown) => log(`closing the SPA stack: ${String(e)}`));
  stack = undefined;
  files.remove();
  await s3?.close().catch((e: unknown) => log(`stopping Ceph RGW: ${String(e)}`));
  s3 = undefined;
}

// Ctrl-C still stops the children, the browser and the bench's Ceph cluster.
process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  void cleanup().finally(() => process.exit(130));
});

try {
  log(`sections: ${options.only.join(', ')}${options.quick ? ' (BENCH_QUICK)' : ''}`);
  // The SPA is built for every section that serves or weighs it; the server only for footprint.
  setupNotes.push(`@app/web built in ${(await buildPackage(ROOT, '@app/web')).toFixed(1)} s`);
  if (wants('footprint')) setupNotes.push(`@app/server built in ${(await buildPackage(ROOT, '@app/server')).toFixed(1)} s`);
  if (options.only.some((id) => id !== 'weight')) s3 = await startBenchS3(log);
  const serverConfig = (): ServerChildConfig => ({
    s3: s3!.env,
    bucket: s3!.bucket,
    jwtSecret: BENCH_JWT_SECRET,
    maxBytes: 512 * MiB,
    webDistDir: existsSync(join(WEB_DIST, 'index.html')) ? WEB_DIST : undefined,
  });
  const spaStack = async () => (stack ??= await startSpaStack(serverConfig(), s3!));

  await section('weight', async () => weightSection(WEB_DIST));
  await section('signing', () =>
    signingSection(serverConfig(), {
      ...options.signing,
      profileOnMiss: options.profileOnMiss,
      profileDir: join(tmpdir(), 'typed-s3-bench-profiles'),
      log,
    }),
  );
  await section('bytes', async () => bytesSection(await spaStack(), s3!, files, { ...options.bytes, log }));
  await section('browser', async () => browserSection(await spaStack(), s3!, files, { ...options.browser, log }));
  await section('multipart', async () => multipartSection(await spaStack(), s3!, files, { ...options.multipart, log }));
  await section('batch', async () => smallFilesSection(await spaStack(), s3!, files, { ...options.batch, log }));
  await section('lossy', async () => lossySection(await spaStack(), s3!, files, { ...options.lossy, log }));
  // Last of the store's sections: it leaves its 10,000 objects to the cluster's purge.
  await section('complete', async () => completeSection(await spaStack(), s3!, files, { ...options.complete, log }));
  await stack?.close();
  stack = undefined;
  await section('footprint', () => footprintSection({ ...options.footprint, webDistDir: WEB_DIST, s3: s3!.env, bucket: s3!.bucket, log }));
} catch (error) {
  log(`setup failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

const order = (s: Section) => Number(/^\d+/.exec(s.title)?.[0] ?? 9);
const report: Report = {
  startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
  wallSeconds: (performance.now() - t0) / 1000,
  machine: machine(),
  options: { ...options, setup: setupNotes },
  codeSize: codeSize(ROOT),
  sections: sections.sort((a, b) => order(a) - order(b)),
};
console.log(renderText(report));
const written = writeReport(RESULTS, report);
log(`wrote ${written.json} and ${written.md}`);
// autocannon and undici keep-alive sockets must not hold the process open.
process.exit(process.exitCode ?? 0);
