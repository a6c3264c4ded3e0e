import type { SlowLinkSpec } from './slow-link';

/** Sections, in the order they run: cheap and deterministic first, the store-heavy ones, the lossy link, footprint last. */
export const SECTIONS = ['weight', 'signing', 'bytes', 'browser', 'multipart', 'batch', 'lossy', 'complete', 'footprint'] as const;
export type SectionId = (typeof SECTIONS)[number];

export interface Options {
  only: SectionId[];
  quick: boolean;
  /** Profile the server child when a signing target is missed (default on; --no-profile turns it off). */
  profileOnMiss: boolean;
  signing: { rounds: number; seconds: number; warmupSeconds: number };
  bytes: { rounds: number; sizesMiB: [number, number] };
  browser: { rounds: number; sizesMiB: number[] };
  multipart: { rounds: number; sizeMiB: number };
  batch: { rounds: number; count: number; sizeKiB: number };
  complete: { rounds: number; held: number; parallel: number };
  lossy: { rounds: number; windowSeconds: number; link: SlowLinkSpec };
  footprint: { rounds: number; loadRounds: number; loadSeconds: number };
}

/**
 * The lossy link: RTT 40 ms, 100 Mbit/s toward the store, 1 % of packets lost each way. The sender
 * runs Reno: CUBIC (what Windows, macOS and Linux desktops send with) is not allowed in a network
 * namespace here, and at this round trip CUBIC stays in its Reno-friendly mode (both measured 0.43-0.45
 * MB/s on one connection); this kernel's default, BBR, ignores loss and would hide what users see.
 */
const LOSSY_LINK: SlowLinkSpec = { delayMs: 20, rateMbit: 100, lossPct: 1, congestion: 'reno' };

/**
 * `pnpm bench [--only signing,batch,...] [--no-profile]`; BENCH_QUICK=1 for one short round of
 * everything (a look while developing, never a result); BENCH_SIGNING_SECONDS for the signing rounds.
 */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let only: SectionId[] = [...SECTIONS];
  let profileOnMiss = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--no-profile') profileOnMiss = false;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.startsWith('--only=') ? arg.slice('--only='.length) : argv[++i];
      const names = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
      if (bad.length || names.length === 0) throw new Error(`--only takes a list of ${SECTIONS.join(',')} (got "${value ?? ''}")`);
      only = SECTIONS.filter((s) => names.includes(s));
    } else throw new Error(`unknown argument "${arg}" (usage: pnpm bench [--only ${SECTIONS.join(',')}] [--no-profile])`);
  }
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const rounds = quick ? 1 : 3;
  return {
    only,
    quick,
    profileOnMiss,
    signing: { rounds, seconds: Number(env.BENCH_SIGNING_SECONDS) || (quick ? 2 : 4), warmupSeconds: 1 },
    // One round: the byte counts are the same to a few bytes every time.
    bytes: { rounds: 1, sizesMiB: [1, 256] },
    browser: { rounds, sizesMiB: [16, 256] },
    multipart: { rounds, sizeMiB: 256 },
    batch: { rounds: quick ? 1 : 2, count: 50, sizeKiB: 256 },
    complete: { rounds: quick ? 2 : 15, held: quick ? 1000 : 10_000, parallel: 64 },
    // Two rounds: each trial is a whole window (plus a page load), six variants.
    lossy: { rounds: quick ? 1 : 2, windowSeconds: 4, link: LOSSY_LINK },
    footprint: { rounds, loadRounds: quick ? 2 : 3, loadSeconds: quick ? 1 : 2 },
  };
}
