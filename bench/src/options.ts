/** Sections, in the order they run: cheap and deterministic first, the store-heavy ones last. */
export const SECTIONS = ['weight', 'signing', 'bytes', 'browser', 'multipart', 'footprint'] as const;
export type SectionId = (typeof SECTIONS)[number];

export interface Options {
  only: SectionId[];
  quick: boolean;
  /** Profile the server child when a signing target is missed (default on; --no-profile turns it off). */
  profileOnMiss: boolean;
  signing: { rounds: number; seconds: number; warmupSeconds: number };
  bytes: { rounds: number; sizesMiB: [number, number] };
  browser: { rounds: number; sizesMiB: number[]; targetSizeMiB: number };
  footprint: { rounds: number; loadRounds: number; loadSeconds: number };
  multipart: { rounds: number; sizeMiB: number; slowSizeMiB: number; concurrency: number[]; slowLink: { delayMs: number; rateMbit: number } };
}

/**
 * The multipart section's simulated slow link: RTT 40 ms, 200 Mbit/s (25 MB/s) toward the store, so
 * a 64 MiB trial takes ≥ 2.7 s and its 12 trials stay within about 45 s.
 */
const SLOW_LINK = { delayMs: 20, rateMbit: 200 };

/**
 * `pnpm bench [--only signing,bytes,browser,multipart,weight,footprint] [--no-profile]`; BENCH_QUICK=1 for
 * short rounds; BENCH_SIGNING_SECONDS to choose the signing round length.
 * Signing rounds are the 10 s (4 variants × 3 rounds = 2 min of the 5-minute budget);
 * BENCH_QUICK=1 makes them 2 s for a fast look.
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
      const names = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
      if (bad.length || names.length === 0) throw new Error(`--only takes a list of ${SECTIONS.join(',')} (got "${value ?? ''}")`);
      only = SECTIONS.filter((s) => names.includes(s));
    } else throw new Error(`unknown argument "${arg}" (usage: pnpm bench [--only ${SECTIONS.join(',')}] [--no-profile])`);
  }
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const seconds = Number(env.BENCH_SIGNING_SECONDS) || (quick ? 2 : 10);
  return {
    only,
    quick,
    profileOnMiss,
    signing: { rounds: 3, seconds, warmupSeconds: 1 },
    bytes: { rounds: 3, sizesMiB: [1, 256] },
    browser: { rounds: 3, sizesMiB: [16, 256], targetSizeMiB: 256 },
    // 2 s rounds: about 14,000 requestUrl calls each, enough to see RSS grow; the whole bench stays under 5 minutes.
    footprint: { rounds: 3, loadRounds: 4, loadSeconds: quick ? 1 : 2 },
    // The slow-link rows use 64 MiB (8 MiB parts) so their 12 trials fit the time budget.
    multipart: { rounds: 3, sizeMiB: 256, slowSizeMiB: 64, concurrency: [1, 4, 8], slowLink: SLOW_LINK },
  };
}
