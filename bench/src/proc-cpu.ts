import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ, 100 on Linux). */
const HZ = 100;

/** CPU seconds so far, by group name. */
export type CpuSnapshot = Map<string, number>;

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process or thread ended meanwhile
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** comm, ppid and user + system seconds from a /proc stat line (comm may hold spaces). */
function parseStat(line: string): { comm: string; ppid: number; seconds: number } | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const f = line.slice(close + 2).split(' ');
  return { comm: line.slice(line.indexOf('(') + 1, close), ppid: Number(f[1]), seconds: (Number(f[11]) + Number(f[12])) / HZ };
}

/** Chromium's process role from its command line: browser, renderer, network service, GPU. */
function chromiumRole(cmdline: string): string {
  const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
  if (!type) return 'Chromium browser';
  const sub = /--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1];
  return sub?.includes('network') ? 'Chromium network' : `Chromium ${type}`;
}

/**
 * Where the CPU goes during a trial, from /proc: the bench's descendants (Chromium by process role,
 * its MD5 worker thread apart; the API server child) and the bench's own Ceph daemons, found by
 * their data dir. Only our own processes: other sessions' Chromium or Ceph never count.
 */
export function cpuSnapshot(rootPid: number, serverPid: number, cephDir: string): CpuSnapshot {
  const procs = list('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => ({ pid: Number(d), stat: parseStat(read(`/proc/${d}/stat`)) }))
    .filter((p): p is { pid: number; stat: NonNullable<ReturnType<typeof parseStat>> } => p.stat !== null);
  const parent = new Map(procs.map((p) => [p.pid, p.stat.ppid]));
  const isOurs = (pid: number) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) if (p === rootPid) return true;
    return false;
  };
  const out: CpuSnapshot = new Map();
  const add = (group: string, s: number) => out.set(group, (out.get(group) ?? 0) + s);
  for (const { pid, stat } of procs) {
    const cmdline = read(`/proc/${pid}/cmdline`).replace(/\0/g, ' ');
    if (cmdline.includes(cephDir)) add(`Ceph ${stat.comm}`, stat.seconds);
    else if (pid === serverPid) add('API server', stat.seconds);
    else if (pid === rootPid) add('bench (Playwright)', stat.seconds);
    else if (!isOurs(pid) || !/chrom/i.test(cmdline)) continue;
    else if (chromiumRole(cmdline) !== 'Chromium renderer') add(chromiumRole(cmdline), stat.seconds);
    else {
      // Renderer threads one by one, so the worker that hashes parts shows apart from the page.
      for (const tid of list(`/proc/${pid}/task`)) {
        const t = parseStat(read(`/proc/${pid}/task/${tid}/stat`));
        if (t) add(/DedicatedWorker/i.test(t.comm) ? 'Chromium worker (MD5)' : 'Chromium renderer', t.seconds);
      }
    }
  }
  return out;
}

/** Share of one core each group used between two snapshots taken `wallMs` apart, in %. */
export function cpuShare(before: CpuSnapshot, after: CpuSnapshot, wallMs: number): Map<string, number> {
  const share = new Map<string, number>();
  for (const [group, s] of after) share.set(group, (Math.max(0, s - (before.get(group) ?? 0)) / (wallMs / 1000)) * 100);
  return share;
}
