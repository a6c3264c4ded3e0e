import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Delivery {
  id: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** What the test called the moment (before / after a restart), when it arrived. */
  phase: string;
}

const flat = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));

/**
 * A host app's webhook receiver on loopback: refuses (500) the first `refuse` deliveries of each
 * event id, then answers 204. Keeps every delivery, and the most deliveries of one id it held at once.
 */
export async function startReceiver({ refuse = 2, holdMs = 0 }: { refuse?: number; holdMs?: number } = {}) {
  const deliveries: Delivery[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;
  let phase = 'start';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const held = (inFlight.get(id) ?? 0) + 1;
      inFlight.set(id, held);
      maxInFlight = Math.max(maxInFlight, held);
      const status = deliveries.filter((d) => d.id === id).length < refuse ? 500 : 204;
      deliveries.push({ id, headers: flat(req.headers), body: Buffer.concat(chunks).toString('utf8'), status, phase });
      void sleep(holdMs).then(() => {
        inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
        res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/uploads`,
    deliveries,
    maxInFlight: () => maxInFlight,
    setPhase: (next: string) => void (phase = next),
    of: (id: string) => deliveries.filter((d) => d.id === id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `check` until it holds (the waits are the system's, not asserted). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
