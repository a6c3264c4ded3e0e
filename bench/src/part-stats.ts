import type { Page } from 'playwright-core';

interface PutRec {
  size: number;
  send: number;
  sent: number;
  end: number;
  status: number;
}
interface Md5Rec {
  size: number;
  posted: number;
  done: number;
}
interface ApiRec {
  name: string;
  start: number;
  end: number;
}

/** One trial's parts, in ms on the page clock (from part-recorder.ts); NaN where it does not apply. */
export interface PartStats {
  puts: number;
  partBytes: number;
  maxInFlight: number;
  /** File picked → first PUT sent: start call, sample hash, first digest, first signParts. */
  startupMs: number;
  /** From the first PUT sent to the last answered, time with no PUT in flight. */
  idleMs: number;
  /** Last PUT answered → row "done": complete call and render. */
  finishMs: number;
  /** Median PUT time (send → answer) of a part. */
  putMs: number;
  /** Median last byte sent → store's answer (the store checks the MD5 and writes the part). */
  tailMs: number;
  /** Median time a freed slot waited before its next PUT (URL, digest, scheduling). */
  gapMs: number;
  /** Worker time hashing: median per part, sum over the file, and rate. */
  md5Ms: number;
  md5TotalMs: number;
  md5MBps: number;
  /** signParts calls and their median round trip. */
  signCalls: number;
  signMs: number;
}

export const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

/** Length of the union of intervals, within [from, to]. */
function covered(spans: Array<[number, number]>, from: number, to: number): number {
  let total = 0;
  let reach = from;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const start = Math.max(a, reach);
    const end = Math.min(b, to);
    if (end > start) total += end - start;
    reach = Math.max(reach, end);
  }
  return total;
}

export async function readParts(page: Page, concurrency: number): Promise<PartStats> {
  const rec = (await page.evaluate('({ ...window.__parts, changeAt: window.__bench.changeAt, done: window.__bench.status.done })')) as {
    puts: PutRec[];
    md5: Md5Rec[];
    api: ApiRec[];
    changeAt: number;
    done: number;
  };
  const { puts, md5 } = rec;
  const bad = puts.find((p) => p.status < 200 || p.status >= 300);
  if (bad) throw new Error(`a PUT to the store answered HTTP ${bad.status}`);
  const bySend = [...puts].sort((a, b) => a.send - b.send);
  const ends = puts.map((p) => p.end).sort((a, b) => a - b);
  const first = bySend[0]?.send ?? NaN;
  const last = ends.at(-1) ?? NaN;
  let maxInFlight = 0;
  for (const p of bySend) maxInFlight = Math.max(maxInFlight, bySend.filter((q) => q.send <= p.send && q.end > p.send).length);
  // The k-th PUT (k ≥ c) starts on the slot freed by the (k − c)-th answer.
  const gaps = bySend.slice(concurrency).map((p, k) => p.send - ends[k]!);
  // The worker hashes one slice at a time: a job starts when it is posted or the previous one ends.
  const md5Busy = md5.map((m, i) => m.done - Math.max(m.posted, i ? md5[i - 1]!.done : 0));
  const sign = rec.api.filter((a) => a.name.includes('signParts') && a.end);
  return {
    puts: puts.length,
    partBytes: Math.max(0, ...puts.map((p) => p.size)),
    maxInFlight,
    startupMs: first - rec.changeAt,
    idleMs:
      last -
      first -
      covered(
        puts.map((p) => [p.send, p.end]),
        first,
        last,
      ),
    finishMs: rec.done - last,
    putMs: median(puts.map((p) => p.end - p.send)),
    tailMs: median(puts.map((p) => (p.sent ? p.end - p.sent : NaN))),
    gapMs: median(gaps),
    md5Ms: median(md5Busy),
    md5TotalMs: md5Busy.reduce((a, b) => a + b, 0),
    md5MBps: median(md5.map((m, i) => m.size / 1e6 / (md5Busy[i]! / 1000))),
    signCalls: sign.length,
    signMs: median(sign.map((a) => a.end - a.start)),
  };
}
