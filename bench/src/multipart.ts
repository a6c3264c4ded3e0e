import { defaultUploadPolicy } from '@app/api';
import { cpus } from 'node:os';
import type { BenchS3 } from './local-s3';
import { CEILING_VARIANTS, ceilingRunner, type CeilingTrial, type CeilingVariant } from './multipart-ceiling';
import { trialRunner, type Trial, type Variant } from './multipart-trial';
import { fmt } from './report';
import { addSlowLink, addTunSlowLink, type SlowLink, type SlowLinkSpec } from './slow-link';
import type { SpaStack } from './spa-stack';
import { atLeastRatio, makeRow, rotate, summarize, type Row } from './stats';
import type { TestFiles } from './test-files';

export interface MultipartOptions {
  rounds: number;
  /** File size for the loopback rows and for the slow-link rows (smaller, to fit the time budget). */
  sizeMiB: number;
  slowSizeMiB: number;
  concurrency: number[];
  slowLink: SlowLinkSpec;
  log: (line: string) => void;
}

/** The targets for the product default (4 in flight) against the single PUT. */
const DEFAULT_CONCURRENCY = 4;
const TARGET = { loopback: 0.9, 'slow link': 1.5 } as const;
type Link = keyof typeof TARGET;

const med = (xs: number[]) => summarize(xs).median;

/**
 * Multipart vs a single PUT through the real SPA in Chromium, on loopback and through a simulated
 * slow link: the same file, the variants alternated round by round, each ratio taken within a round.
 */
export async function multipartSection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: MultipartOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const loopbackTrial = trialRunner(stack, s3);
  const variants: Variant[] = [{ id: 'single PUT', concurrency: 0 }, ...o.concurrency.map((c) => ({ id: `multipart ×${c}`, concurrency: c }))];
  const rows: Row[] = [];
  const notes: string[] = [
    `${o.rounds} rounds per link, variant order rotated each round, after two discarded 16 MiB warm-ups (single PUT, ×4; one ×4 on a slow link's own Chromium); MB = 10^6 bytes. ` +
      'Time: file input change → row data-status="done" (start + hashing + parts + complete), fresh tab and user per trial. ' +
      'Single PUT: the SPA with its multipart threshold above the file size; multipart: threshold 8 MiB, parts in flight as shown (server picks the part size).',
  ];

  async function measure(link: Link, sizeMiB: number, trial = loopbackTrial) {
    const file = files.get(sizeMiB);
    const by = new Map<string, Trial[]>(variants.map((v) => [v.id, []]));
    for (let round = 0; round < o.rounds; round++) {
      for (const v of rotate(variants, round)) {
        const t = await trial(v, file);
        by.get(v.id)!.push(t);
        o.log(`  multipart ${link} ${sizeMiB} MiB round ${round + 1}/${o.rounds} ${v.id}: ${t.mbps.toFixed(0)} MB/s (${t.parts.puts} PUTs)`);
      }
    }
    const single = by.get('single PUT')!;
    const tag = `${sizeMiB} MiB, ${link}`;
    rows.push(makeRow({ metric: `single PUT ${tag}`, unit: 'MB/s', samples: single.map((t) => t.mbps) }));
    for (const v of variants.slice(1)) {
      const ts = by.get(v.id)!;
      rows.push(
        makeRow({
          metric: `${v.id} ${tag}`,
          unit: 'MB/s',
          samples: ts.map((t) => t.mbps),
          baseline: { metric: 'single PUT', samples: single.map((t) => t.mbps) },
          ...(v.concurrency === DEFAULT_CONCURRENCY && { target: atLeastRatio(TARGET[link]) }),
          note: `${ts[0]?.parts.puts ?? '?'} parts of ${fmt((ts[0]?.parts.partBytes ?? NaN) / 2 ** 20)} MiB`,
        }),
      );
    }
    // In-request fixed cost per part from two points on the same link in the same round: one part
    // PUT alone (×1) and the whole file in one PUT; time = fixed + bytes / rate.
    const one = by.get('multipart ×1');
    if (one) {
      const fixed = one.map((t, i) => {
        const D = single[i]!.parts.putMs;
        const S = file.size;
        const s = t.parts.partBytes;
        const rate = (S - s) / (D - t.parts.putMs);
        return rate > 0 ? t.parts.putMs - s / rate : NaN; // noise can make the two points useless
      });
      rows.push(makeRow({ metric: `fixed cost in each part's PUT ${tag} (×1 part vs single PUT fit)`, unit: 'ms', samples: fixed }));
    }
    for (const v of variants.slice(1)) {
      const samples = by.get(v.id)!.map((t) => t.parts.idleMs);
      rows.push(makeRow({ metric: `${v.id} no part in flight, first PUT → last answer, ${tag}`, unit: 'ms', samples }));
    }
    for (const v of variants) notes.push(breakdown(`${v.id}, ${tag}`, by.get(v.id)!));
  }

  try {
    const warm = files.get(16);
    for (const v of [variants[0]!, variants.find((v) => v.concurrency === DEFAULT_CONCURRENCY) ?? variants[1]!]) await loopbackTrial(v, warm);
    await measure('loopback', o.sizeMiB);
    await ceilingRows();
    await slowLinkRows();
  } finally {
    // The stack is shared: later sections must see the product's policy again.
    const { multipartThresholdBytes, multipartConcurrency } = defaultUploadPolicy;
    await stack.server.setPolicy({ multipartThresholdBytes, multipartConcurrency });
  }
  return { rows, notes };

  /** The technique alone, in a bare page: single PUT, parts without hashing, parts with MD5. */
  async function ceilingRows() {
    const file = files.get(o.sizeMiB);
    const trial = await ceilingRunner(stack, s3, file, DEFAULT_CONCURRENCY);
    const by = new Map<CeilingVariant, CeilingTrial[]>(CEILING_VARIANTS.map((v) => [v, []]));
    // Two rounds: these rows explain a miss, they judge nothing, and the bench must stay under 5 minutes.
    const rounds = Math.min(o.rounds, 2);
    for (let round = 0; round < rounds; round++) {
      for (const v of rotate([...CEILING_VARIANTS], round)) {
        const t = await trial(v);
        by.get(v)!.push(t);
        o.log(`  multipart ceiling ${o.sizeMiB} MiB round ${round + 1}/${rounds} bare page ${v}: ${t.mbps.toFixed(0)} MB/s`);
      }
    }
    const single = by.get('single')!.map((t) => t.mbps);
    const label: Record<CeilingVariant, string> = {
      single: 'single PUT',
      parts: `parts ×${DEFAULT_CONCURRENCY}, no hashing`,
      'parts+md5': `parts ×${DEFAULT_CONCURRENCY} + MD5 in 2 workers`,
    };
    for (const v of CEILING_VARIANTS) {
      const samples = by.get(v)!.map((t) => t.mbps);
      const metric = `bare page: ${label[v]} ${o.sizeMiB} MiB, loopback`;
      rows.push(makeRow({ metric, unit: 'MB/s', samples, ...(v !== 'single' && { baseline: { metric: 'bare single PUT', samples: single } }) }));
      notes.push(`${metric} (medians): CPU, % of one core: ${cpuLine(by.get(v)!)}.`);
    }
    notes.push(
      `Bare page rows (${rounds} rounds, variant order rotated): no SPA and no API calls; the bench signs every URL up front with ` +
        "the product's presigner (MD5 from Node for the signed rows, checked against the page's), the page uploads the picked file, " +
        'with the same part size and lookahead as the product. "no hashing" is what parts reach without any integrity check; ' +
        '"+ MD5" is the technique the product uses, without the product.',
    );
  }

  /**
   * tc netem on the loopback where the kernel has it, else a TUN delay line to a network namespace;
   * skipped, with the reasons in the notes, where neither can be set up. Never fails the section.
   */
  async function slowLinkRows() {
    const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
    const storePort = Number(new URL(s3.env.S3_ENDPOINT).port);
    let link: SlowLink;
    try {
      link = await addSlowLink(storePort, o.slowLink);
    } catch (netem) {
      try {
        link = await addTunSlowLink(storePort, [Number(new URL(stack.server.origin).port)], o.slowLink);
      } catch (tun) {
        const line = `slow link: not available here (netem: ${why(netem)}; TUN delay line: ${why(tun)})`;
        o.log(line);
        notes.push(line);
        return;
      }
    }
    try {
      o.log(`  ${link.describe}`);
      notes.push(`Slow link: ${link.describe}; ${o.slowSizeMiB} MiB file to fit the time budget.`);
      const trial = link.browser ? trialRunner({ ...stack, browser: link.browser }, s3) : loopbackTrial;
      // A Chromium of its own is cold: one discarded multipart trial first.
      if (link.browser) await trial(variants.find((v) => v.concurrency === DEFAULT_CONCURRENCY) ?? variants[1]!, files.get(16));
      await measure('slow link', o.slowSizeMiB, trial);
    } finally {
      await link.remove();
    }
  }
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
