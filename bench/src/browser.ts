import type { BenchS3 } from './local-s3';
import { requestPutUrl } from './presign';
import { openBlank, openSignedIn, spaUpload, xhrPut, type FileOnDisk, type SpaTiming } from './spa-page';
import type { SpaStack } from './spa-stack';
import { openUppy, uppyUpload } from './uppy';
import { atLeastRatio, atMost, makeRow, rotate, summarize, type Row } from './stats';
import type { TestFiles } from './test-files';

export interface BrowserOptions {
  rounds: number;
  sizesMiB: number[];
  log: (line: string) => void;
}

/** The SPA, the peer (Uppy, default options) and the floor (one bare XHR PUT, URL signed first). */
type Variant = 'spa' | 'uppy' | 'xhr';
const VARIANTS: Variant[] = ['spa', 'uppy', 'xhr'];
const UPLOAD_TIMEOUT_MS = 120_000;

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** SPA vs Uppy vs bare XHR, same file, same store, same browser, variant order rotated each round. */
export async function browserSection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: BrowserOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const { server, browser } = stack;
  let user = 0;

  async function trial(variant: Variant, file: FileOnDisk): Promise<{ ms: number; spa?: SpaTiming }> {
    try {
      if (variant === 'spa') {
        const page = await openSignedIn(browser, server.origin, `Bench ${++user}`);
        try {
          const spa = await spaUpload(page, file, UPLOAD_TIMEOUT_MS);
          return { ms: spa.ms, spa };
        } finally {
          await page.close();
        }
      }
      // A fresh tab (so a fresh browser context and connection pool) per trial, as the SPA gets.
      if (variant === 'uppy') {
        const page = await openUppy(browser, server.origin, file);
        try {
          return { ms: await uppyUpload(page) };
        } finally {
          await page.close();
        }
      }
      // A fresh user per trial, so the per-user quota's reservations never add up across trials.
      const target = await requestPutUrl(server.origin, { name: file.name, type: 'video/mp4', size: file.size }, `uploader-${++user}`);
      const page = await openBlank(browser, server.origin);
      try {
        return { ms: await xhrPut(page, file, target) };
      } finally {
        await page.close();
      }
    } finally {
      await s3.emptyBucket(); // the store keeps objects in RAM
    }
  }

  const rows: Row[] = [];
  const smallest = files.get(Math.min(...o.sizesMiB));
  for (const v of VARIANTS) await trial(v, smallest); // warm-up, discarded
  for (const sizeMiB of o.sizesMiB) {
    const file = files.get(sizeMiB);
    const speed: Record<Variant, number[]> = { spa: [], uppy: [], xhr: [] };
    const phases: SpaTiming[] = [];
    for (let round = 0; round < o.rounds; round++) {
      for (const v of rotate(VARIANTS, round)) {
        const t = await trial(v, file);
        speed[v].push(mbps(file.size, t.ms));
        if (t.spa) phases.push(t.spa);
        o.log(`  browser ${sizeMiB} MiB round ${round + 1}/${o.rounds} ${v}: ${mbps(file.size, t.ms).toFixed(0)} MB/s`);
      }
    }
    rows.push(
      makeRow({
        metric: `SPA upload ${sizeMiB} MiB vs Uppy`,
        unit: 'MB/s',
        samples: speed.spa,
        baseline: { metric: 'Uppy', samples: speed.uppy },
        target: atLeastRatio(1),
      }),
      makeRow({ metric: `SPA upload ${sizeMiB} MiB vs bare XHR`, unit: 'MB/s', samples: speed.spa, baseline: { metric: 'bare XHR', samples: speed.xhr } }),
      makeRow({ metric: `Uppy ${sizeMiB} MiB`, unit: 'MB/s', samples: speed.uppy, baseline: { metric: 'bare XHR', samples: speed.xhr } }),
      makeRow({ metric: `bare XHR PUT ${sizeMiB} MiB`, unit: 'MB/s', samples: speed.xhr }),
      makeRow({ metric: `SPA requestUrl (or start) phase ${sizeMiB} MiB`, unit: 'ms', samples: phases.map((p) => p.requestMs) }),
      makeRow({ metric: `SPA complete phase ${sizeMiB} MiB`, unit: 'ms', samples: phases.map((p) => p.completeMs) }),
      makeRow({
        metric: `SPA progress max gap ${sizeMiB} MiB`,
        unit: 'ms',
        samples: phases.map((p) => p.maxGapMs),
        target: atMost(250, 'ms', 'max'),
        note: `median ${summarize(phases.map((p) => p.progressChanges)).median} value changes`,
      }),
    );
  }
  const notes = [
    `${o.rounds} rounds per size, order of SPA / Uppy / bare XHR rotated each round, one discarded warm-up of each; MB = 10^6 bytes; the SPA and Uppy with their default options (the SPA: one PUT below 16 MiB, else parts).`,
    'SPA time: file input change → row data-status="done" (requestUrl or multipart start, the upload, complete); its phases split at data-status "uploading" and "verifying". ' +
      "Uppy (@uppy/core + @uppy/aws-s3 6.3.1, default options: one PUT up to 100 MiB, else parts, one in flight per file): addFile → upload() resolved, every S3 request signed by the bench's signer (AWS SDK getSignedUrl in the server child), its page on its own origin with its own CORS rule. " +
      'Bare XHR: the PUT alone (page clock), URL from upload.requestUrl for a fresh user.',
    'Progress gap: longest time the bar stood still during the PUT phase (its start, each <progress> value change, its end; MutationObserver init script).',
  ];
  return { rows, notes };
}
