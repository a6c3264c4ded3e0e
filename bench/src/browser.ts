import { curlPut } from './curl-upload';
import type { BenchS3 } from './local-s3';
import { requestPutUrl } from './presign';
import { openBlank, openSignedIn, spaUpload, xhrPut, type FileOnDisk, type SpaTiming } from './spa-page';
import type { SpaStack } from './spa-stack';
import { atLeastRatio, atMost, makeRow, rotate, summarize, type Row } from './stats';
import type { TestFiles } from './test-files';

export interface BrowserOptions {
  rounds: number;
  sizesMiB: number[];
  /** The size the SPA ≥ 0.9 × bare XHR target applies to. */
  targetSizeMiB: number;
  log: (line: string) => void;
}

/** `xhr-progress`: bare XHR plus a no-op progress listener, to split the SPA's cost in two. */
type Variant = 'spa' | 'xhr' | 'xhr-progress' | 'curl';
const VARIANTS: Variant[] = ['spa', 'xhr', 'xhr-progress', 'curl'];
const UPLOAD_TIMEOUT_MS = 120_000;

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** SPA vs bare XHR vs curl, same file, same store, variant order rotated each round. */
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
      // A fresh user per trial, so the per-user quota's reservations never add up across trials.
      const target = await requestPutUrl(server.origin, { name: file.name, type: 'video/mp4', size: file.size }, `uploader-${++user}`);
      if (variant === 'curl') return { ms: await curlPut(file.path, target) };
      // A fresh tab (so a fresh browser context and connection pool) per trial, as the SPA gets.
      const blank = await openBlank(browser, server.origin);
      try {
        return { ms: await xhrPut(blank, file, target, variant === 'xhr-progress') };
      } finally {
        await blank.close();
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
    const speed: Record<Variant, number[]> = { spa: [], xhr: [], 'xhr-progress': [], curl: [] };
    const phases: SpaTiming[] = [];
    for (let round = 0; round < o.rounds; round++) {
      for (const v of rotate(VARIANTS, round)) {
        const t = await trial(v, file);
        speed[v].push(mbps(file.size, t.ms));
        if (t.spa) phases.push(t.spa);
        o.log(`  browser ${sizeMiB} MiB round ${round + 1}/${o.rounds} ${v}: ${mbps(file.size, t.ms).toFixed(0)} MB/s`);
      }
    }
    const judged = sizeMiB === o.targetSizeMiB;
    rows.push(
      makeRow({
        metric: `SPA upload ${sizeMiB} MiB vs bare XHR`,
        unit: 'MB/s',
        samples: speed.spa,
        baseline: { metric: 'bare XHR', samples: speed.xhr },
        ...(judged && { target: atLeastRatio(0.9) }),
      }),
      makeRow({ metric: `SPA upload ${sizeMiB} MiB vs curl -T`, unit: 'MB/s', samples: speed.spa, baseline: { metric: 'curl', samples: speed.curl } }),
      makeRow({
        metric: `SPA PUT phase only ${sizeMiB} MiB`,
        unit: 'MB/s',
        samples: phases.map((p) => mbps(file.size, p.putMs)),
        baseline: { metric: 'bare XHR', samples: speed.xhr },
      }),
      makeRow({ metric: `SPA requestUrl phase ${sizeMiB} MiB`, unit: 'ms', samples: phases.map((p) => p.requestMs) }),
      makeRow({ metric: `SPA complete phase ${sizeMiB} MiB`, unit: 'ms', samples: phases.map((p) => p.completeMs) }),
      makeRow({ metric: `bare XHR PUT ${sizeMiB} MiB`, unit: 'MB/s', samples: speed.xhr }),
      makeRow({
        metric: `bare XHR + upload.onprogress ${sizeMiB} MiB`,
        unit: 'MB/s',
        samples: speed['xhr-progress'],
        baseline: { metric: 'bare XHR', samples: speed.xhr },
      }),
      makeRow({ metric: `curl -T ${sizeMiB} MiB`, unit: 'MB/s', samples: speed.curl }),
      makeRow({
        metric: `SPA progress max gap ${sizeMiB} MiB`,
        unit: 'ms',
        samples: phases.map((p) => p.maxGapMs),
        target: atMost(250, 'ms', 'max'),
        note: `median ${summarize(phases.map((p) => p.progressChanges)).median} value changes`,
      }),
      makeRow({ metric: `SPA progress first move ${sizeMiB} MiB`, unit: 'ms', samples: phases.map((p) => p.firstMoveMs) }),
    );
  }
  const notes = [
    `${o.rounds} rounds per size, order of SPA / bare XHR / XHR + progress listener / curl rotated each round, one discarded warm-up of each; MB = 10^6 bytes.`,
    'SPA time: file input change → row data-status="done" (requestUrl + PUT + complete); its phases split at data-status "uploading" and "verifying". ' +
      'Bare XHR: the PUT alone (page clock); curl: its time_total. Each XHR/curl trial signs for a fresh user.',
    'Progress gap: longest time the bar stood still during the PUT phase (its start, each <progress> value change, its end; MutationObserver init script).',
  ];
  return { rows, notes };
}
