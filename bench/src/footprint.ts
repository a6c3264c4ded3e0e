import { startCommand } from '@app/server/start-command';
import { serverProcessEnv, type S3Env } from '@app/test-utils';
import { BENCH_JWT_SECRET, BENCH_SEAL_SECRET } from './jwt';
import { runLoad, trpcTarget } from './load';
import { requestPutUrl } from './presign';
import { freePort, rssMiB, spawnNode, waitForOk, type Spawned } from './proc';
import { atMost, makeRow, rotate, type Row } from './stats';

export interface FootprintOptions {
  rounds: number;
  loadRounds: number;
  loadSeconds: number;
  webDistDir: string;
  s3: S3Env;
  bucket: string;
  log: (line: string) => void;
}

/** The smallest Node HTTP server, as the baseline for start-up time, first answer and memory. */
const BARE_SERVER = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"ok":true}'); }).listen(Number(process.env.PORT), '127.0.0.1');`;

type Kind = 'product' | 'bare';

/** `pnpm start`'s own command line (its node flags included), minus pnpm. */
const START = startCommand();

function start(kind: Kind, port: number, o: FootprintOptions): Spawned {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1' };
  if (kind === 'bare') return spawnNode(['-e', BARE_SERVER], base);
  // The production environment of the README; nothing inherited from the bench's env.
  return spawnNode([...START.nodeArgs, START.script], {
    ...base,
    ...serverProcessEnv(o.s3, o.bucket, {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: BENCH_JWT_SECRET,
      UPLOAD_METADATA_SECRET: BENCH_SEAL_SECRET,
      LOG_LEVEL: 'warn',
      WEB_DIST_DIR: o.webDistDir,
      // Raised so the load rounds measure signing, not 429s or quota refusals; both checks still run.
      RATE_LIMIT_REQUEST_URL_PER_MINUTE: '1000000000',
      UPLOAD_QUOTA_BYTES: String(2 ** 52),
    }),
  });
}

interface ColdStart {
  readyMs: number;
  firstMs: number;
  idleRss: number;
}

/** Spawn → /healthz answers; then idle RSS; then the first real request's latency. */
async function coldStart(kind: Kind, o: FootprintOptions): Promise<{ proc: Spawned; origin: string; m: ColdStart }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = start(kind, port, o);
  try {
    await waitForOk(`${origin}/healthz`, proc, 30_000);
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 250)); // let start-up garbage settle before reading RSS
    const idleRss = rssMiB(proc.child.pid!);
    const t1 = performance.now();
    if (kind === 'product') await requestPutUrl(origin);
    else await (await fetch(`${origin}/`)).arrayBuffer();
    return { proc, origin, m: { readyMs, firstMs: performance.now() - t1, idleRss } };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

export async function footprintSection(o: FootprintOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const runs: Record<Kind, ColdStart[]> = { product: [], bare: [] };
  let loaded: { proc: Spawned; origin: string } | undefined;
  const loadRss: number[] = [];
  const loadRps: number[] = [];
  const growth: number[] = [];
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const kind of rotate<Kind>(['product', 'bare'], round)) {
        const { proc, origin, m } = await coldStart(kind, o);
        runs[kind].push(m);
        o.log(`  footprint round ${round + 1}/${o.rounds} ${kind}: ready ${m.readyMs.toFixed(0)} ms, first ${m.firstMs.toFixed(1)} ms, RSS ${m.idleRss.toFixed(1)} MiB`);
        if (kind === 'product' && round === o.rounds - 1) loaded = { proc, origin };
        else await proc.stop();
      }
    }
    // Load rounds on the last product process: does memory settle or keep growing?
    if (loaded) {
      let previous = runs.product.at(-1)!.idleRss;
      const target = trpcTarget('requestUrl', 'upload.requestUrl', '/trpc/upload.requestUrl');
      for (let i = 0; i < o.loadRounds; i++) {
        const r = await runLoad(loaded.origin, target, o.loadSeconds);
        const rss = rssMiB(loaded.proc.child.pid!);
        loadRss.push(rss);
        loadRps.push(r.reqPerSec);
        growth.push(rss - previous);
        previous = rss;
        o.log(`  footprint load round ${i + 1}/${o.loadRounds}: ${Math.round(r.reqPerSec)} req/s (${r.non2xx} non-2xx), RSS ${rss.toFixed(1)} MiB`);
      }
    }
  } finally {
    await loaded?.proc.stop();
  }

  const of = (kind: Kind, pick: (m: ColdStart) => number) => runs[kind].map(pick);
  const rows = [
    makeRow({
      metric: 'cold start to /healthz ready',
      unit: 'ms',
      samples: of('product', (m) => m.readyMs),
      baseline: { metric: 'bare node http', samples: of('bare', (m) => m.readyMs) },
    }),
    makeRow({
      metric: 'first requestUrl after ready',
      unit: 'ms',
      samples: of('product', (m) => m.firstMs),
      baseline: { metric: 'bare first GET', samples: of('bare', (m) => m.firstMs) },
      target: atMost(50, 'ms'),
    }),
    makeRow({
      metric: 'RSS idle after start',
      unit: 'MiB',
      samples: of('product', (m) => m.idleRss),
      baseline: { metric: 'bare node http', samples: of('bare', (m) => m.idleRss) },
    }),
    makeRow({ metric: 'RSS after each load round', unit: 'MiB', samples: loadRss, target: atMost(150, 'MiB', 'max') }),
    makeRow({ metric: 'RSS growth per load round', unit: 'MiB', samples: growth, note: 'first value: from idle' }),
    makeRow({ metric: 'requestUrl throughput (built server)', unit: 'req/s', samples: loadRps }),
  ];
  const notes = [
    `\`pnpm start\`'s command (node ${START.nodeArgs.join(' ')} apps/server/dist/server.js), NODE_ENV=production, LOG_LEVEL=warn, serving apps/web/dist; ${o.rounds} cold starts alternated with a bare node:http server; ` +
      `then ${o.loadRounds} load rounds × ${o.loadSeconds} s (64 connections, requestUrl) on the last process; RSS = VmRSS from /proc.`,
    'First requestUrl: an HTTP call right after /healthz first answered (its connection already open), including JWT verification and signing.',
  ];
  return { rows, notes };
}
