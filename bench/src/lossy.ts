import { defaultUploadPolicy } from '@app/api';
import type { Page } from 'playwright-core';
import type { BenchS3 } from './local-s3';
import type { PolicyPatch } from './server-protocol';
import { addSlowLink, addTunSlowLink, type SlowLink, type SlowLinkSpec } from './slow-link';
import { openSignedIn } from './spa-page';
import type { SpaStack } from './spa-stack';
import { fmt } from './report';
import { atLeastRatio, makeRow, rotate, summarize, type Row } from './stats';
import { MiB, type TestFiles } from './test-files';
import { openUppy } from './uppy';

export interface LossyOptions {
  rounds: number;
  /** How long each upload runs before it is cut; its rate is what crossed the link meanwhile. */
  windowSeconds: number;
  link: SlowLinkSpec;
  log: (line: string) => void;
}

interface Variant {
  id: string;
  who: 'spa' | 'uppy';
  sizeMiB: number;
  /** The SPA's policy for the trial; the product's default when absent. */
  policy?: PolicyPatch;
}

const DEFAULT_POLICY: PolicyPatch = {
  multipartThresholdBytes: defaultUploadPolicy.multipartThresholdBytes,
  multipartConcurrency: defaultUploadPolicy.multipartConcurrency,
};
const VARIANTS: Variant[] = [
  { id: 'single PUT 64 MiB', who: 'spa', sizeMiB: 64, policy: { multipartThresholdBytes: 64 * MiB + 1 } },
  { id: 'multipart ×4 64 MiB', who: 'spa', sizeMiB: 64, policy: { multipartThresholdBytes: 8 * MiB, multipartConcurrency: 4 } },
  { id: 'SPA 16 MiB', who: 'spa', sizeMiB: 16 },
  { id: 'Uppy 16 MiB', who: 'uppy', sizeMiB: 16 },
  { id: 'SPA 256 MiB', who: 'spa', sizeMiB: 256 },
  { id: 'Uppy 256 MiB', who: 'uppy', sizeMiB: 256 },
];
const MBps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/**
 * The network where large uploads fail: a slow link that loses packets. A loss-based sender moves
 * well under 1 MB/s on one connection here, so a whole 64 MiB PUT would take minutes; each trial
 * instead runs its upload for a fixed window from the pick, counts the bytes that crossed the link
 * toward the store (the far end's relay, or the shaped class under netem), then cuts it; the whole
 * file's time is projected from when the body started to flow and the rate after that.
 */
export async function lossySection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: LossyOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const opened = await openLink(stack, s3, o.link);
  if (typeof opened === 'string') return { rows: [], notes: [opened] };
  const link = opened;
  const browser = link.browser ?? stack.browser;
  const { server } = stack;
  let user = 0;

  /** The whole file's MB/s projected from the window: first body byte after `startMs`, then the window's rate. */
  async function trial(v: Variant): Promise<{ mbps: number; startMs: number; windowMBps: number }> {
    const file = files.get(v.sizeMiB);
    let page: Page;
    let start: () => Promise<void>;
    if (v.who === 'uppy') {
      page = await openUppy(browser, server.origin, file);
      start = async () => void page.evaluate(() => window.__uppy()).catch(() => undefined);
    } else {
      await server.setPolicy(v.policy ?? DEFAULT_POLICY);
      page = await openSignedIn(browser, server.origin, `Lossy ${++user}`);
      start = () => page.locator('[data-testid="drop-zone"] input').setInputFiles(file.path);
    }
    try {
      const before = await link.delivered();
      const t0 = performance.now();
      await start();
      // Polled, to see when the body starts to flow (more than requests and preflights would carry).
      let startMs = NaN;
      let bytes = 0;
      while (performance.now() - t0 < o.windowSeconds * 1000) {
        await new Promise((r) => setTimeout(r, 100));
        bytes = (await link.delivered()) - before;
        if (Number.isNaN(startMs) && bytes > 64 * 1024) startMs = performance.now() - t0;
      }
      const ms = performance.now() - t0;
      if (bytes >= file.size) throw new Error(`${v.id} finished within the window: make the window shorter`);
      const rate = bytes / (ms - startMs); // bytes per ms once flowing
      return { mbps: MBps(file.size, startMs + file.size / rate), startMs, windowMBps: MBps(bytes, ms) };
    } finally {
      await page.close();
      await link.cut();
      await s3.emptyBucket();
    }
  }

  const rows: Row[] = [];
  const notes = [
    `Lossy link: ${link.describe}.`,
    `${o.rounds} rounds, variant order rotated, after both pages were loaded once; each trial is a fresh tab, its upload runs ${o.windowSeconds} s from the pick ` +
      '(signing, hashing and preflights included), then the page is closed and every connection across the link is cut. Bytes = what crossed the link toward the store (counted at its far end every 100 ms: HTTP framing included, retransmissions not). ' +
      "The judged MB/s is the whole file's, projected: size / (pick → body flowing + size / the rate from then to the window's end); the window's own rate from the pick is shown apart. MB = 10^6 bytes. " +
      'Single PUT: the SPA with its multipart threshold above the file; multipart ×4: threshold 8 MiB, 4 parts in flight (8 MiB parts); "SPA" and "Uppy" rows: both with their default options.',
  ];
  try {
    // The far side's Chromium is cold: load both pages once, untimed.
    await (await openSignedIn(browser, server.origin, 'Lossy warm-up')).close();
    await (await openUppy(browser, server.origin, files.get(16))).close();
    const by = new Map<string, Array<Awaited<ReturnType<typeof trial>>>>(VARIANTS.map((v) => [v.id, []]));
    for (let round = 0; round < o.rounds; round++) {
      for (const v of rotate(VARIANTS, round)) {
        const t = await trial(v);
        by.get(v.id)!.push(t);
        o.log(
          `  lossy round ${round + 1}/${o.rounds} ${v.id}: ${t.mbps.toFixed(2)} MB/s (flowing after ${t.startMs.toFixed(0)} ms, ${t.windowMBps.toFixed(2)} MB/s over the window)`,
        );
      }
    }
    const of = (id: string) => by.get(id)!.map((t) => t.mbps);
    rows.push(
      makeRow({ metric: 'single PUT 64 MiB, lossy link', unit: 'MB/s', samples: of('single PUT 64 MiB') }),
      makeRow({
        metric: 'multipart ×4 64 MiB, lossy link',
        unit: 'MB/s',
        samples: of('multipart ×4 64 MiB'),
        baseline: { metric: 'single PUT', samples: of('single PUT 64 MiB') },
        target: atLeastRatio(2),
      }),
    );
    for (const size of [16, 256]) {
      const spa = of(`SPA ${size} MiB`);
      const uppy = of(`Uppy ${size} MiB`);
      rows.push(
        makeRow({ metric: `SPA ${size} MiB vs Uppy, lossy link`, unit: 'MB/s', samples: spa, baseline: { metric: 'Uppy', samples: uppy }, target: atLeastRatio(1.3) }),
        makeRow({ metric: `Uppy ${size} MiB, lossy link`, unit: 'MB/s', samples: uppy }),
      );
    }
    const med = (xs: number[]) => summarize(xs).median;
    const flow = VARIANTS.map((v) => `${v.id} ${fmt(med(by.get(v.id)!.map((t) => t.startMs)))} ms, ${fmt(med(by.get(v.id)!.map((t) => t.windowMBps)))} MB/s`);
    notes.push(`Pick → body flowing, and the rate over the whole window from the pick (medians): ${flow.join('; ')}.`);
  } finally {
    await server.setPolicy(DEFAULT_POLICY);
    await link.remove();
  }
  return { rows, notes };
}

/** netem on the loopback where the kernel has it, else the TUN delay line; a string says why neither. */
async function openLink(stack: SpaStack, s3: BenchS3, spec: SlowLinkSpec): Promise<SlowLink | string> {
  const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const storePort = Number(new URL(s3.env.S3_ENDPOINT).port);
  try {
    return await addSlowLink(storePort, spec);
  } catch (netem) {
    try {
      return await addTunSlowLink(storePort, [Number(new URL(stack.server.origin).port)], spec);
    } catch (tun) {
      return `lossy link: not available here (netem: ${why(netem)}; TUN delay line: ${why(tun)})`;
    }
  }
}
