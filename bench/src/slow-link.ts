import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SlowLinkSpec {
  /** One-way delay each direction, so the round trip is twice this. */
  delayMs: number;
  /** Rate cap toward the store (the upload direction). */
  rateMbit: number;
}

export interface SlowLink {
  describe: string;
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

/** A SIGTERM (e.g. `timeout`) ends Node without 'exit' handlers: unshape first, then exit as it would. */
function onSigterm(): void {
  removeNow();
  process.exit(143);
}

function forget(): void {
  removeNow();
  process.off('exit', removeNow);
  process.off('SIGTERM', onSigterm);
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
  process.once('exit', removeNow);
  process.once('SIGTERM', onSigterm);
  const port = String(storePort);
  const dev = ['dev', 'lo'];
  const fast = ['rate', '100gbit', 'quantum', '200000'];
  const steps: string[][] = [
    ['qdisc', 'add', ...dev, 'root', 'handle', '1:', 'htb', 'default', '1'],
    ['class', 'add', ...dev, 'parent', '1:', 'classid', '1:1', 'htb', ...fast],
    ['class', 'add', ...dev, 'parent', '1:', 'classid', '1:2', 'htb', ...fast],
    ['class', 'add', ...dev, 'parent', '1:', 'classid', '1:3', 'htb', 'rate', `${spec.rateMbit}mbit`, 'ceil', `${spec.rateMbit}mbit`],
    ['qdisc', 'add', ...dev, 'parent', '1:2', 'handle', '20:', 'netem', 'delay', `${spec.delayMs}ms`, 'limit', '100000'],
    ['qdisc', 'add', ...dev, 'parent', '1:3', 'handle', '30:', 'netem', 'delay', `${spec.delayMs}ms`, 'limit', '100000'],
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
    throw new Error(`${what}: ${stderr ?? (error instanceof Error ? error.message : String(error))}`);
  }
  return {
    describe: `tc netem on lo, port ${port} only: ${spec.delayMs} ms each way (RTT ${2 * spec.delayMs} ms), ${spec.rateMbit} Mbit/s toward the store`,
    async remove() {
      forget();
    },
  };
}
