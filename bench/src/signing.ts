import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeCpuProfile } from './cpu-profile';
import { microCosts } from './micro';
import { checkTarget, runLoad, trpcTarget, type LoadResult, type LoadTarget } from './load';
import { startServerChild, type ServerChild } from './server-handle';
import type { ServerChildConfig } from './server-protocol';
import { atLeastRatio, makeRow, rotate, type Row } from './stats';

export interface SigningOptions {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  /** Profile the product's requestUrl when a target is missed (adds one short load run). */
  profileOnMiss: boolean;
  profileDir: string;
  log: (line: string) => void;
}

/** requestUrl against tRPC's own floor on the same server: a no-op mutation with the same body. */
const VARIANTS: LoadTarget[] = [trpcTarget('noop', 'tRPC no-op mutation', '/bench-trpc/noop'), trpcTarget('requestUrl', 'upload.requestUrl', '/trpc/upload.requestUrl')];

interface Sample extends LoadResult {
  cpuPerReq: number;
}

export async function signingSection(config: ServerChildConfig, o: SigningOptions): Promise<{ rows: Row[]; notes: string[] }> {
  const server = await startServerChild(config);
  const samples = new Map<string, Sample[]>(VARIANTS.map((v) => [v.id, []]));
  const notes: string[] = [];
  try {
    await measure();
    return await report();
  } finally {
    await server.close();
  }

  async function measure() {
    for (const v of VARIANTS) await checkTarget(server.origin, v);
    // JIT warm-up for every route, discarded, so round 1 is not the one paying for compilation.
    for (const v of VARIANTS) await runLoad(server.origin, v, o.warmupSeconds);
    for (let round = 0; round < o.rounds; round++) {
      for (const v of rotate(VARIANTS, round)) {
        const cpu0 = await server.cpuMicros();
        const r = await runLoad(server.origin, v, o.seconds);
        const cpu = (await server.cpuMicros()) - cpu0;
        samples.get(v.id)!.push({ ...r, cpuPerReq: cpu / Math.max(1, r.total) });
        o.log(`  signing round ${round + 1}/${o.rounds} ${v.label}: ${Math.round(r.reqPerSec)} req/s, p99 ${r.p99} ms`);
        if (r.non2xx || r.errors) notes.push(`${v.label}, round ${round + 1}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      }
    }
  }

  async function report(): Promise<{ rows: Row[]; notes: string[] }> {
    const of = (id: string, pick: (s: Sample) => number) => samples.get(id)!.map(pick);
    const label = (id: string) => VARIANTS.find((v) => v.id === id)!.label;
    const rps = (id: string) => of(id, (s) => s.reqPerSec);
    const rows: Row[] = [
      makeRow({ metric: `${label('noop')} throughput`, unit: 'req/s', samples: rps('noop') }),
      makeRow({
        metric: 'requestUrl throughput vs no-op',
        unit: 'req/s',
        samples: rps('requestUrl'),
        baseline: { metric: 'no-op', samples: rps('noop') },
        target: atLeastRatio(0.8),
      }),
    ];
    for (const v of VARIANTS) rows.push(makeRow({ metric: `${v.label} p50 latency`, unit: 'ms', samples: of(v.id, (s) => s.p50) }));
    for (const v of VARIANTS) rows.push(makeRow({ metric: `${v.label} p99 latency`, unit: 'ms', samples: of(v.id, (s) => s.p99) }));
    for (const v of VARIANTS) {
      const cpu = of(v.id, (s) => s.cpuPerReq);
      const baseline = v.id === 'requestUrl' ? { metric: 'no-op', samples: of('noop', (s) => s.cpuPerReq) } : undefined;
      rows.push(makeRow({ metric: `${v.label} server CPU per request`, unit: 'µs', samples: cpu, ...(baseline && { baseline }) }));
    }
    // Sequential, single-process costs of the building blocks: cheap, and they explain the ratios.
    rows.push(...(await microCosts(config.s3, config.bucket, o.rounds)));
    notes.unshift(
      `${o.rounds} rounds × ${o.seconds} s per variant (+${o.warmupSeconds} s discarded warm-up each), 64 connections, variant order rotated every round; ` +
        'both on one product server child (buildApp + a bench no-op tRPC router on the same Fastify), autocannon in the parent process. ' +
        "The child raises requestUrl's rate limit and quota so load measures signing, not 429s; both checks still run. " +
        '"in-process" rows: each building block called back to back in the bench process (µs per call, not under load).',
    );

    if (o.profileOnMiss && rows.some((r) => r.pass === false)) {
      o.log('  a signing target was missed: profiling upload.requestUrl');
      const lines = await profileRequestUrl(server, o);
      for (const line of lines) notes.push(`requestUrl CPU profile (server child under load), ${line}`);
    }
    return { rows, notes };
  }
}

/** One more load run of requestUrl on the same child, profiled (its JIT is warm from the rounds). */
async function profileRequestUrl(server: ServerChild, o: SigningOptions): Promise<string[]> {
  const path = join(o.profileDir, `requestUrl-${Date.now()}.cpuprofile`);
  mkdirSync(o.profileDir, { recursive: true });
  await server.profileStart();
  await runLoad(server.origin, VARIANTS[1]!, 3);
  await server.profileStop(path);
  return summarizeCpuProfile(path, 12);
}
