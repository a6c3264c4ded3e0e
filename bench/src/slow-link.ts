import { chromiumPath, launchChromium } from '@app/test-utils';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';

const run = promisify(execFile);

export interface SlowLinkSpec {
  /** One-way delay each direction, so the round trip is twice this. */
  delayMs: number;
  /** Rate cap toward the store (the upload direction). */
  rateMbit: number;
  /** Packets dropped at random, in each direction, in %. */
  lossPct: number;
  /** TCP congestion control of the sending side (TUN link only; netem uses the machine's). */
  congestion: string;
}

export interface SlowLink {
  describe: string;
  /** A Chromium on the far side of the link, when the link is not on the shared loopback. */
  browser?: Browser;
  /** Bytes that crossed the link toward the store so far. */
  delivered(): Promise<number>;
  /** Ends every connection across the link, so an abandoned upload stops using it. */
  cut(): Promise<void>;
  remove(): Promise<void>;
}

const tc = (args: string[]) => run('tc', args, { timeout: 10_000 });

/** Sync, for the process 'exit' handler: never leave the shaping behind on the shared loopback. */
function removeNow(): void {
  try {
    execFileSync('tc', ['qdisc', 'del', 'dev', 'lo', 'root'], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // already gone
  }
}

/**
 * Runs `cleanup` (sync) when the process exits, or gets a SIGTERM (e.g. `timeout`, which ends Node
 * without 'exit' handlers; it then exits as it would), until the returned function is called.
 */
function cleanupOnExit(cleanup: () => void): () => void {
  const onSigterm = () => {
    cleanup();
    process.exit(143);
  };
  process.once('exit', cleanup);
  process.once('SIGTERM', onSigterm);
  return () => {
    process.off('exit', cleanup);
    process.off('SIGTERM', onSigterm);
  };
}

/**
 * Shapes only the traffic to and from the store's port on the loopback device. An HTB root sends
 * everything to class 1:1 (no limit) except, by u32 port filters, packets to the store (1:3: rate
 * cap, the user's uplink, with a netem delay leaf) and from it (1:2: netem delay only, so ACKs and
 * answers cross the same distance). Everything stays on 127.0.0.1; browser ↔ API server is not
 * shaped, but the API server's own few calls to the store per upload cross the slow link too.
 * Throws the reason when tc or netem is missing; removes whatever it added on failure.
 */
export async function addSlowLink(storePort: number, spec: SlowLinkSpec): Promise<SlowLink> {
  const current = await tc(['qdisc', 'show', 'dev', 'lo']).catch((e: unknown) => {
    throw new Error(`tc did not run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  });
  // Someone else's shaping on lo (another bench, a test) is not ours to replace.
  if (!/^qdisc noqueue 0: root/m.test(current.stdout)) throw new Error(`lo already has a root qdisc: ${current.stdout.trim().split('\n')[0]}`);
  const off = cleanupOnExit(removeNow);
  const forget = () => {
    removeNow();
    off();
  };
  const port = String(storePort);
  const dev = ['dev', 'lo'];
  const fast = ['rate', '100gbit', 'quantum', '200000'];
  const netem = ['netem', 'delay', `${spec.delayMs}ms`, 'loss', `${spec.lossPct}%`, 'limit', '100000'];
  const steps: string[][] = [
    ['qdisc', 'add', ...dev, 'root', 'handle', '1:', 'htb', 'default', '1'],
    ['class', 'add', ...dev, 'parent', '1:', 'classid', '1:1', 'htb', ...fast],
    ['class', 'add', ...dev, 'parent', '1:', 'classid', '1:2', 'htb', ...fast],
    ['class', 'add', ...dev, 'parent', '1:', 'classid', '1:3', 'htb', 'rate', `${spec.rateMbit}mbit`, 'ceil', `${spec.rateMbit}mbit`],
    ['qdisc', 'add', ...dev, 'parent', '1:2', 'handle', '20:', ...netem],
    ['qdisc', 'add', ...dev, 'parent', '1:3', 'handle', '30:', ...netem],
    ['filter', 'add', ...dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dport', port, '0xffff', 'flowid', '1:3'],
    ['filter', 'add', ...dev, 'parent', '1:', 'protocol', 'ip', 'prio', '2', 'u32', 'match', 'ip', 'sport', port, '0xffff', 'flowid', '1:2'],
  ];
  let step: string[] = [];
  try {
    for (step of steps) await tc(step);
  } catch (error) {
    forget();
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    const what = step.includes('netem') ? 'tc netem (no sch_netem in this kernel?)' : `tc ${step.slice(0, 2).join(' ')} ${step[step.indexOf('lo') + 3] ?? ''}`;
    throw new Error(`${what}: ${stderr ?? (error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
  return {
    async delivered() {
      const { stdout } = await tc(['-s', 'class', 'show', ...dev, 'classid', '1:3']);
      return Number(/Sent (\d+) bytes/.exec(stdout)?.[1] ?? NaN);
    },
    // Chromium's own sockets cannot be cut from here: give what a closed page still sends time to drain.
    cut: () => new Promise((r) => setTimeout(r, 2000)),
    describe: `tc netem on lo, port ${port} only: ${spec.delayMs} ms each way (RTT ${2 * spec.delayMs} ms), ${spec.lossPct} % loss each way, ${spec.rateMbit} Mbit/s toward the store`,
    async remove() {
      forget();
    },
  };
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const NEAR = '10.200.0.1';
const FAR = '10.200.0.2';
/** The unshaped path (a veth pair), for what the link does not carry. */
const NEAR_DIRECT = '10.201.0.1';
const FAR_DIRECT = '10.201.0.2';

interface Helper {
  child: ChildProcess;
  /** Sends one command line and waits for the first answer line that starts with `reply`. */
  ask(command: string, reply: string): Promise<string>;
}

/** Starts a helper that prints "ready"; its standard input stays open, so it ends with the bench. */
async function startHelper(command: string, args: string[], what: string): Promise<Helper> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout! });
  const next = (prefix: string, ms: number) =>
    new Promise<string>((resolve, reject) => {
      // Every listener goes when the answer comes: a helper is asked many times in a run.
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        lines.off('line', onLine);
        child.off('error', onError);
        child.off('exit', onExit);
        fn();
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`no "${prefix}" within ${ms / 1000} s`))), ms);
      const onLine = (line: string) => line.startsWith(prefix) && settle(() => resolve(line));
      const onError = (error: Error) => settle(() => reject(error));
      const onExit = (code: number | null) => settle(() => reject(new Error(`exited with ${code}`)));
      lines.on('line', onLine);
      child.once('error', onError);
      child.once('exit', onExit);
    });
  try {
    await next('ready', 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)} ${stderr.trim().split('\n').slice(-2).join(' ')}`, { cause: error });
  }
  return {
    child,
    ask(command, reply) {
      const answer = next(reply, 10_000);
      child.stdin!.write(`${command}\n`);
      return answer;
    },
  };
}

/**
 * Where the kernel has no netem: Chromium in its own network namespace, joined to ours by a
 * point-to-point link whose two ends are TUN devices held by a small delay line (tun-delay.py,
 * every packet DELAY later, both ways); tbf on the namespace's end caps the rate toward us (the
 * user's uplink). Chromium still opens 127.0.0.1:PORT for the store and the API: relays in the
 * namespace carry those connections to relays on our end, which reach the real ports. The store's
 * traffic crosses the slow link (real TCP over it); the API's takes a veth pair, not shaped, as
 * with netem on the loopback, where only the store's port is shaped.
 */
export async function addTunSlowLink(storePort: number, directPorts: number[], spec: SlowLinkSpec): Promise<SlowLink> {
  const id = String(process.pid % 100_000);
  const ns = `tsu-slow-${id}`;
  const [near, far] = [`tsuN${id}`, `tsuF${id}`];
  const [nearVeth, farVeth] = [`tsuV${id}`, `tsuW${id}`];
  const ip = (args: string[]) => run('ip', args, { timeout: 10_000 });
  const inNs = (args: string[]) => run('ip', ['netns', 'exec', ns, ...args], { timeout: 10_000 });
  const helpers: Helper[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'slow-link-'));
  let browser: Browser | undefined;
  const removeSync = () => {
    for (const h of helpers) h.child.kill('SIGKILL');
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // not there
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const off = cleanupOnExit(removeSync);
  const remove = async () => {
    await browser?.close().catch(() => undefined);
    removeSync();
    off();
  };
  let step = 'ip netns add';
  try {
    // One of a killed earlier bench with this pid's name (its helpers died with it) goes first.
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // none
  }
  try {
    await ip(['netns', 'add', ns]);
    step = 'python3 tun-delay.py';
    helpers.push(await startHelper('python3', [join(HERE, 'tun-delay.py'), near, far, String(spec.delayMs), String(spec.lossPct)], step));
    step = 'ip link (TUN ends)';
    await ip(['link', 'set', far, 'netns', ns]);
    await ip(['addr', 'add', NEAR, 'peer', FAR, 'dev', near]);
    await ip(['link', 'set', near, 'up']);
    await inNs(['ip', 'link', 'set', 'lo', 'up']);
    await inNs(['ip', 'addr', 'add', FAR, 'peer', NEAR, 'dev', far]);
    await inNs(['ip', 'link', 'set', far, 'up']);
    step = 'ip link (veth pair)';
    await ip(['link', 'add', nearVeth, 'type', 'veth', 'peer', 'name', farVeth, 'netns', ns]);
    await ip(['addr', 'add', `${NEAR_DIRECT}/30`, 'dev', nearVeth]);
    await ip(['link', 'set', nearVeth, 'up']);
    await inNs(['ip', 'addr', 'add', `${FAR_DIRECT}/30`, 'dev', farVeth]);
    await inNs(['ip', 'link', 'set', farVeth, 'up']);
    // The sender is the user's machine: Windows, macOS and most Linux desktops run CUBIC, which
    // halves its window on a loss (unlike BBR, this kernel's default). Per namespace: ours only.
    step = 'sysctl tcp_congestion_control';
    await inNs(['sysctl', '-q', '-w', `net.ipv4.tcp_congestion_control=${spec.congestion}`]);
    step = 'tc tbf';
    await inNs(['tc', 'qdisc', 'add', 'dev', far, 'root', 'tbf', 'rate', `${spec.rateMbit}mbit`, 'burst', '256kb', 'latency', '100ms']);
    step = 'relays';
    const relay = join(HERE, 'ns-relay.mjs');
    const routes = [[storePort, NEAR] as const, ...directPorts.map((p) => [p, NEAR_DIRECT] as const)];
    helpers.push(await startHelper(process.execPath, [relay, ...routes.map(([p, host]) => `${host}:${p}=127.0.0.1:${p}`)], 'relays on our end'));
    helpers.push(
      await startHelper('ip', ['netns', 'exec', ns, process.execPath, relay, ...routes.map(([p, host]) => `127.0.0.1:${p}=${host}:${p}`)], 'relays in the namespace'),
    );
    step = 'Chromium in the namespace';
    const wrapper = join(dir, 'chromium-in-ns');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} '${chromiumPath().replace(/'/g, `'\\''`)}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await launchChromium({ wrapper });
  } catch (error) {
    await remove();
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    throw new Error(`${step}: ${stderr ?? (error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
  return {
    describe:
      `Chromium in network namespace ${ns}, linked to ours by a TUN delay line (tun-delay.py; no netem in this kernel): ` +
      `${spec.delayMs} ms each way (RTT ${2 * spec.delayMs} ms), ${spec.lossPct} % of packets lost each way, TCP ${spec.congestion} on the sending side, tbf ${spec.rateMbit} Mbit/s toward the store (port ${storePort}, relayed ` +
      `across the link); the API (port ${directPorts.join(', ')}) through a veth pair, not shaped`,
    browser,
    async delivered() {
      return Number((await helpers[1]!.ask('count', 'count ')).split(' ')[1]);
    },
    async cut() {
      await Promise.all([helpers[1]!.ask('reset', 'reset'), helpers[2]!.ask('reset', 'reset')]);
    },
    remove,
  };
}
