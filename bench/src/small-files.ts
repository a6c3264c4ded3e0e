import { randomUUID } from 'node:crypto';
import type { BenchS3 } from './local-s3';
import { partRecorder } from './part-recorder';
import { cpuSnapshot, type CpuSnapshot } from './proc-cpu';
import { readParts } from './part-stats';
import { openBlank, openSignedIn, spaUploadMany, xhrPutMany, type FileOnDisk } from './spa-page';
import type { SpaStack } from './spa-stack';
import { atLeastRatio, makeRow, rotate, type Row } from './stats';
import type { TestFiles } from './test-files';

export interface SmallFilesOptions {
  rounds: number;
  count: number;
  sizeKiB: number;
  log: (line: string) => void;
}

/**
 * A batch of photos picked at once: the SPA (requestUrl, PUT, complete per file) against bare
 * XHR PUTs of the same files to URLs the bench signed first, as many in flight as the SPA had.
 */
export async function smallFilesSection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: SmallFilesOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const { server, browser } = stack;
  const batch = files.batch(o.count, o.sizeKiB * 1024);
  const storePort = new URL(s3.env.S3_ENDPOINT).port;
  let user = 0;

  const errors = new Set<string>();
  /** CPU seconds by process group over the measured rounds, per variant: where a file's time goes. */
  const cpu: Record<'spa' | 'bare', Map<string, number>> = { spa: new Map(), bare: new Map() };
  const snap = () => cpuSnapshot(process.pid, server.pid, s3.dataDir);
  const addCpu = (into: Map<string, number> | undefined, before: CpuSnapshot) => {
    if (!into) return;
    for (const [group, seconds] of snap()) into.set(group, (into.get(group) ?? 0) + seconds - (before.get(group) ?? 0));
  };
  /** Files done per second; a file that fails counts as not done. */
  async function spa(into?: Map<string, number>): Promise<{ rate: number; inFlight: number }> {
    const page = await openSignedIn(browser, server.origin, `Batch ${++user}`, partRecorder(storePort));
    try {
      const before = snap();
      const { done, ms, error } = await spaUploadMany(page, batch, 60_000);
      addCpu(into, before);
      if (error) errors.add(`${batch.length - done} of ${batch.length} files did not finish: "${error}"`);
      const puts = await page.evaluate('window.__parts.puts.length');
      return { rate: done / (ms / 1000), inFlight: puts ? (await readParts(page, 1)).maxInFlight : 0 };
    } finally {
      await page.close();
      await s3.emptyBucket();
    }
  }
  async function bare(concurrency: number, into?: Map<string, number>): Promise<number> {
    const sign = (f: FileOnDisk) =>
      s3.storage.presignPut({ key: `staging/bench-batch/${randomUUID()}.mp4`, contentType: 'video/mp4', size: f.size, metadata: {}, expiresIn: 600 });
    const targets = await Promise.all(batch.map(sign));
    const page = await openBlank(browser, server.origin);
    try {
      const before = snap();
      const ms = await xhrPutMany(page, batch, targets, concurrency);
      addCpu(into, before);
      return ms;
    } finally {
      await page.close();
      await s3.emptyBucket();
    }
  }

  // The warm-up tells how many PUTs the SPA keeps in flight; the bare page then runs as many.
  // (If it sent none, all of them: Chromium then runs 6 per origin.)
  const seen = (await spa()).inFlight;
  const concurrency = seen || o.count;
  await bare(concurrency);
  const rate: Record<'spa' | 'bare', number[]> = { spa: [], bare: [] };
  for (let round = 0; round < o.rounds; round++) {
    for (const v of rotate(['spa', 'bare'] as const, round)) {
      rate[v].push(v === 'spa' ? (await spa(cpu.spa)).rate : o.count / ((await bare(concurrency, cpu.bare)) / 1000));
      o.log(`  batch round ${round + 1}/${o.rounds} ${v}: ${rate[v].at(-1)!.toFixed(0)} files/s`);
    }
  }
  const label = `${o.count} files of ${o.sizeKiB} KiB`;
  return {
    rows: [
      makeRow({
        metric: `SPA, ${label} picked at once`,
        unit: 'files/s',
        samples: rate.spa,
        baseline: { metric: 'bare XHR', samples: rate.bare },
        target: atLeastRatio(0.7),
      }),
      makeRow({ metric: `bare XHR PUTs, ${label}, ${concurrency} in flight`, unit: 'files/s', samples: rate.bare }),
    ],
    notes: [
      `${o.rounds} rounds, order alternated, after one discarded warm-up of each. SPA: the ${o.count} files picked in one input change → the last row data-status="done" ` +
        `(each file: requestUrl, PUT, complete); ${seen ? `it kept at most ${seen} PUTs in flight` : 'it sent no PUT'}. Bare XHR: the page's time for the same PUTs, ${concurrency} at a time (Chromium runs 6 per origin), ` +
        "to URLs the bench signed first with the product's presigner (no API calls, no verification).",
      cpuPerFile(cpu, o.rounds * o.count),
      ...[...errors].map((e) => `SPA: ${e}`),
    ],
  };
}

/** "CPU ms per file, SPA vs bare: Chromium renderer 50 vs 8, ..." over the measured rounds, largest first. */
function cpuPerFile(cpu: Record<'spa' | 'bare', Map<string, number>>, files: number): string {
  const groups = [...new Set([...cpu.spa.keys(), ...cpu.bare.keys()])];
  const ms = (m: Map<string, number>, g: string) => ((m.get(g) ?? 0) * 1000) / files;
  const rows = groups
    .map((g) => ({ g, spa: ms(cpu.spa, g), bare: ms(cpu.bare, g) }))
    .filter((r) => r.spa >= 0.5 || r.bare >= 0.5)
    .sort((a, b) => b.spa - a.spa);
  const total = (k: 'spa' | 'bare') => rows.reduce((sum, r) => sum + r[k], 0);
  return (
    `CPU per file (ms, from /proc over the measured rounds), SPA vs bare XHR: total ${total('spa').toFixed(0)} vs ${total('bare').toFixed(0)}; ` +
    rows.map((r) => `${r.g} ${r.spa.toFixed(1)} vs ${r.bare.toFixed(1)}`).join(', ')
  );
}
