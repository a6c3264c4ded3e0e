import { defaultUploadPolicy } from '@app/api';
import { cpus } from 'node:os';
import type { BenchS3 } from './local-s3';
import { ceilingRunner, type CeilingTrial, type CeilingVariant } from './multipart-ceiling';
import { trialRunner, type Trial, type Variant } from './multipart-trial';
import { fmt } from './report';
import type { SpaStack } from './spa-stack';
import { atLeastRatio, makeRow, rotate, summarize, type Row } from './stats';
import type { TestFiles } from './test-files';

export interface MultipartOptions {
  rounds: number;
  sizeMiB: number;
  log: (line: string) => void;
}

/** The product default: 4 parts in flight. */
const CONCURRENCY = 4;
const med = (xs: number[]) => summarize(xs).median;

/**
 * Multipart through the real SPA in Chromium against the technique's own ceiling: a bare page
 * sending the same parts with the same MD5-in-workers, URLs signed up front (multipart-ceiling.ts).
 * All three variants alternate round by round; each ratio is taken within a round.
 */
export async function multipartSection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: MultipartOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const file = files.get(o.sizeMiB);
  const spaTrial = trialRunner(stack, s3);
  const ceiling = await ceilingRunner(stack, s3, file, CONCURRENCY);
  const spa: Variant = { id: `SPA multipart ×${CONCURRENCY}`, concurrency: CONCURRENCY };
  type Id = 'spa' | CeilingVariant;
  const ids: Id[] = ['spa', 'parts+md5', 'parts'];
  const trials = { spa: [] as Trial[], 'parts+md5': [] as CeilingTrial[], parts: [] as CeilingTrial[] };
  try {
    await spaTrial(spa, files.get(16)); // warm-up, discarded
    await ceiling('parts+md5');
    for (let round = 0; round < o.rounds; round++) {
      for (const id of rotate(ids, round)) {
        const t = id === 'spa' ? await spaTrial(spa, file) : await ceiling(id);
        if (id === 'spa') trials.spa.push(t as Trial);
        else trials[id].push(t);
        o.log(`  multipart ${o.sizeMiB} MiB round ${round + 1}/${o.rounds} ${id}: ${t.mbps.toFixed(0)} MB/s`);
      }
    }
  } finally {
    // The stack is shared: later sections must see the product's policy again.
    const { multipartThresholdBytes, multipartConcurrency } = defaultUploadPolicy;
    await stack.server.setPolicy({ multipartThresholdBytes, multipartConcurrency });
  }
  const mb = (ts: Array<{ mbps: number }>) => ts.map((t) => t.mbps);
  const md5 = { metric: 'bare parts + MD5', samples: mb(trials['parts+md5']) };
  const parts = trials.spa[0]?.parts;
  const tag = `${o.sizeMiB} MiB, loopback`;
  const rows = [
    makeRow({
      metric: `${spa.id} ${tag}`,
      unit: 'MB/s',
      samples: mb(trials.spa),
      baseline: md5,
      target: atLeastRatio(0.95),
      note: `${parts?.puts ?? '?'} parts of ${fmt((parts?.partBytes ?? NaN) / 2 ** 20)} MiB`,
    }),
    makeRow({ metric: `bare page: parts ×${CONCURRENCY} + MD5 in 2 workers ${tag}`, unit: 'MB/s', samples: md5.samples }),
    makeRow({ metric: `bare page: parts ×${CONCURRENCY}, no hashing ${tag}`, unit: 'MB/s', samples: mb(trials.parts), baseline: md5 }),
    makeRow({ metric: `${spa.id} no part in flight, first PUT → last answer, ${tag}`, unit: 'ms', samples: trials.spa.map((t) => t.parts.idleMs) }),
  ];
  const notes = [
    `${o.rounds} rounds, variant order rotated, after a discarded 16 MiB SPA warm-up and one bare-page trial; MB = 10^6 bytes. ` +
      'SPA: file input change → row data-status="done" (start, hashing, parts, complete), fresh tab and user per trial, threshold 8 MiB, parts in flight as shown (the server picks the part size).',
    "Bare page: no SPA and no API calls; the bench signs every URL up front with the product's presigner (MD5 from Node for the signed rows, checked against the page's); " +
      'the page uploads the picked file with the same part size and lookahead as the product. "+ MD5" is the technique the product uses, without the product (the target\'s baseline); "no hashing" is what parts reach without any integrity check.',
    breakdown(`${spa.id}, ${tag}`, trials.spa),
    `bare page: parts ×${CONCURRENCY} + MD5, ${tag} (medians): CPU, % of one core: ${cpuLine(trials['parts+md5'])}.`,
    `bare page: parts ×${CONCURRENCY}, no hashing, ${tag} (medians): CPU, % of one core: ${cpuLine(trials.parts)}.`,
  ];
  return { rows, notes };
}

/** Median % of one core per process group (3 % or more), busiest first, and their sum. */
function cpuLine(ts: Array<{ cpu: Map<string, number> }>): string {
  const groups = new Set(ts.flatMap((t) => [...t.cpu.keys()]));
  const shares = [...groups].map((g) => [g, med(ts.map((t) => t.cpu.get(g) ?? 0))] as const).sort((a, b) => b[1] - a[1]);
  const shown = shares.filter(([, v]) => v >= 3).map(([g, v]) => `${g} ${v.toFixed(0)}`);
  if (shown.length === 0) return '–';
  return `${shown.join(', ')} (all: ${shares.reduce((sum, [, v]) => sum + v, 0).toFixed(0)} of ${100 * cpus().length} on ${cpus().length} cores)`;
}

/** One line of medians per variant: where a trial's time goes, and whose CPU it costs. */
function breakdown(label: string, ts: Trial[]): string {
  const p = (pick: (t: Trial) => number) => fmt(med(ts.map(pick)));
  const cpu = cpuLine(ts);
  return (
    `${label} (medians): total ${p((t) => t.spa.ms)} ms = pick→first PUT ${p((t) => t.parts.startupMs)} + first PUT→last answer ` +
    `${p((t) => t.spa.ms - t.parts.startupMs - t.parts.finishMs)} (no PUT in flight ${p((t) => t.parts.idleMs)}) + last answer→done ${p((t) => t.parts.finishMs)}; ` +
    `per part: PUT ${p((t) => t.parts.putMs)} ms (last byte→answer ${p((t) => t.parts.tailMs)}), slot idle before it ${p((t) => t.parts.gapMs)}, ` +
    `MD5 ${p((t) => t.parts.md5Ms)} ms (${p((t) => t.parts.md5MBps)} MB/s, ${p((t) => t.parts.md5TotalMs)} ms per file); ` +
    `signParts ${p((t) => t.parts.signCalls)} calls × ${p((t) => t.parts.signMs)} ms; max in flight ${p((t) => t.parts.maxInFlight)}; ` +
    `CPU, % of one core: ${cpu}.`
  );
}
