import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequestBody, PolicyPatch, ServerChildConfig } from './server-protocol';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
// Resolved from this package, so the child loads TypeScript whatever the working directory.
const TSX = import.meta.resolve('tsx');

type Reply = ChildReply & { id: number };

export interface ServerChild {
  origin: string;
  pid: number;
  /** user + system CPU time of the server process so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Bytes read from / written to all of the server's sockets so far. */
  bytes(): Promise<{ read: number; written: number }>;
  /** Starts the V8 sampling profiler in the child. */
  profileStart(): Promise<void>;
  /** Stops it and writes the .cpuprofile to `path`. */
  profileStop(path: string): Promise<void>;
  /** Changes the upload policy the server answers from now on (a page loaded later sees it). */
  setPolicy(patch: PolicyPatch): Promise<void>;
  close(): Promise<void>;
}

function waitFor<T>(child: ChildProcess, match: (m: Reply) => T | undefined, what: string, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`server child: no ${what} within ${ms} ms`)), ms);
    const onMessage = (m: Reply) => {
      const hit = match(m);
      if (hit !== undefined) done(null, hit);
    };
    const onExit = (code: number | null) => done(new Error(`server child exited (${code}) before ${what}`));
    function done(error: Error | null, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startServerChild(config: ServerChildConfig): Promise<ServerChild> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', TSX],
    env: { ...process.env, NODE_ENV: 'production', BENCH_SERVER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await waitFor(child, (m) => (m.type === 'ready' ? m.port : undefined), 'ready message', 60_000);
  let next = 1;

  async function ask<T>(request: ChildRequestBody, pick: (m: Reply) => T | undefined): Promise<T> {
    const id = next++;
    const answer = waitFor(child, (m) => (m.id === id ? pick(m) : undefined), `${request.type} reply`, 30_000);
    child.send({ ...request, id });
    return answer;
  }

  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    cpuMicros: () => ask({ type: 'cpu' }, (m) => (m.type === 'cpu' ? m.micros : undefined)),
    bytes: () => ask({ type: 'bytes' }, (m) => (m.type === 'bytes' ? { read: m.read, written: m.written } : undefined)),
    profileStart: () => ask({ type: 'profile-start' }, (m) => m.type === 'profiling' || undefined).then(() => undefined),
    profileStop: (path) => ask({ type: 'profile-stop', path }, (m) => m.type === 'profile' || undefined).then(() => undefined),
    setPolicy: (patch) => ask({ type: 'policy', patch }, (m) => m.type === 'policy' || undefined).then(() => undefined),
    async close() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Graceful first (closes the app and its S3 client), then a bounded wait.
      await ask({ type: 'exit' }, (m) => (m.type === 'bye' ? true : undefined)).catch(() => undefined);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
