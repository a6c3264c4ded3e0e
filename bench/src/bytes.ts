import type { BenchS3 } from './local-s3';
import { openSignedIn, spaUpload } from './spa-page';
import type { SpaStack } from './spa-stack';
import { makeRow, type Row, type Target } from './stats';
import type { TestFiles } from './test-files';

export interface BytesOptions {
  rounds: number;
  /** Small and large file; the API's traffic must not depend on the size. */
  sizesMiB: [number, number];
  log: (line: string) => void;
}

const WITHIN_8_KIB: Target = { on: 'value', op: '<=', limit: 8192, stat: 'max', label: 'max |Δ| ≤ 8,192 bytes' };

/**
 * The API server's byte counts once its sockets have been quiet for 300 ms (at most 5 s): the page
 * reads My files again as the upload settles, and that answer must land in the window of both
 * files, not only when it happens to beat the "done" row.
 */
async function quietBytes(server: SpaStack['server']): Promise<{ read: number; written: number }> {
  let last = await server.bytes();
  for (let quiet = 0, waited = 0; quiet < 3 && waited < 50; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await server.bytes();
    quiet = now.read === last.read && now.written === last.written ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * The real SPA flow for a small and a large file, counting every byte on the API server's
 * sockets (in the server child) from just before the pick until the row's "done" and quiet sockets.
 */
export async function bytesSection(stack: SpaStack, s3: BenchS3, files: TestFiles, o: BytesOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const { server, browser } = stack;
  const [small, large] = o.sizesMiB.map((s) => files.get(s)) as [ReturnType<TestFiles['get']>, ReturnType<TestFiles['get']>];
  const seen = new Map<string, { read: number[]; written: number[] }>([
    [small.name, { read: [], written: [] }],
    [large.name, { read: [], written: [] }],
  ]);
  let user = 0;
  for (let round = 0; round < o.rounds; round++) {
    for (const file of round % 2 ? [large, small] : [small, large]) {
      const page = await openSignedIn(browser, server.origin, `Bytes ${++user}`);
      try {
        const before = await server.bytes();
        await spaUpload(page, file, 120_000);
        const after = await quietBytes(server);
        seen.get(file.name)!.read.push(after.read - before.read);
        seen.get(file.name)!.written.push(after.written - before.written);
        o.log(`  bytes round ${round + 1}/${o.rounds} ${file.name}: in ${after.read - before.read}, out ${after.written - before.written}`);
      } finally {
        await page.close();
        await s3.emptyBucket();
      }
    }
  }
  const s = seen.get(small.name)!;
  const l = seen.get(large.name)!;
  const total = (x: { read: number[]; written: number[] }) => x.read.map((r, i) => r + x.written[i]!);
  const rows = [
    makeRow({ metric: `API bytes in, ${o.sizesMiB[0]} MiB file`, unit: 'bytes', samples: s.read }),
    makeRow({ metric: `API bytes out, ${o.sizesMiB[0]} MiB file`, unit: 'bytes', samples: s.written }),
    makeRow({ metric: `API bytes in, ${o.sizesMiB[1]} MiB file`, unit: 'bytes', samples: l.read, baseline: { metric: `${o.sizesMiB[0]} MiB`, samples: s.read } }),
    makeRow({ metric: `API bytes out, ${o.sizesMiB[1]} MiB file`, unit: 'bytes', samples: l.written, baseline: { metric: `${o.sizesMiB[0]} MiB`, samples: s.written } }),
    makeRow({
      metric: `|Δ in+out| ${o.sizesMiB[1]} MiB vs ${o.sizesMiB[0]} MiB`,
      unit: 'bytes',
      samples: total(l).map((v, i) => Math.abs(v - total(s)[i]!)),
      target: WITHIN_8_KIB,
    }),
  ];
  const notes = [
    `${o.rounds} rounds, file order alternated; bytes = socket.bytesRead/bytesWritten summed over all of the API server's connections ` +
      '(HTTP headers included), from just before the file is picked until its row shows "done" and the API\'s sockets have then been quiet for 300 ms (the list read again after the upload counts for both files).',
  ];
  return { rows, notes };
}
