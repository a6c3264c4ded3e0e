import type { BenchS3 } from './local-s3';
import { partRecorder } from './part-recorder';
import { readParts, type PartStats } from './part-stats';
import { cpuShare, cpuSnapshot } from './proc-cpu';
import { openSignedIn, spaUpload, type FileOnDisk, type SpaTiming } from './spa-page';
import type { SpaStack } from './spa-stack';
import { MiB } from './test-files';

/** `concurrency` 0 is the single PUT: the SPA with its multipart threshold above the file size. */
export interface Variant {
  id: string;
  concurrency: number;
}

export interface Trial {
  mbps: number;
  spa: SpaTiming;
  parts: PartStats;
  /** % of one core per process group during the upload. */
  cpu: Map<string, number>;
}

const UPLOAD_TIMEOUT_MS = 180_000;

export const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/**
 * One upload of the user's picked file through the real SPA in a fresh tab. The policy is set on
 * the server first; the fresh tab (own browser context) loads it anew, since the SPA caches the
 * policy query for 60 s. The PUT count proves which path the SPA took.
 */
export function trialRunner(stack: SpaStack, s3: BenchS3) {
  const { server, browser } = stack;
  const storePort = new URL(s3.env.S3_ENDPOINT).port;
  const recorder = partRecorder(storePort);
  let user = 0;
  return async function trial(v: Variant, file: FileOnDisk): Promise<Trial> {
    await server.setPolicy(v.concurrency ? { multipartThresholdBytes: 8 * MiB, multipartConcurrency: v.concurrency } : { multipartThresholdBytes: file.size + 1 });
    // A fresh user per trial, so the per-user quota's reservations never add up across trials.
    const page = await openSignedIn(browser, server.origin, `Multipart ${++user}`, recorder);
    try {
      const before = cpuSnapshot(process.pid, server.pid, s3.dataDir);
      const t0 = performance.now();
      const spa = await spaUpload(page, file, UPLOAD_TIMEOUT_MS);
      const cpu = cpuShare(before, cpuSnapshot(process.pid, server.pid, s3.dataDir), performance.now() - t0);
      const parts = await readParts(page, Math.max(1, v.concurrency));
      if (v.concurrency === 0 ? parts.puts !== 1 : parts.puts < 2) {
        throw new Error(`variant ${v.id}: the SPA sent ${parts.puts} PUTs; the policy did not apply`);
      }
      return { mbps: mbps(file.size, spa.ms), spa, parts, cpu };
    } finally {
      await page.close();
      await s3.emptyBucket(); // the store keeps objects in RAM
    }
  };
}
