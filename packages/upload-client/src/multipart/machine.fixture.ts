import type { Command, MachineEvent } from './machine-io';
import { createMachine, DEFAULT_LIMITS, transition, type Step } from './machine';
import type { Limits, MachineState } from './part-state';

export const LIMITS: Limits = { ...DEFAULT_LIMITS, concurrency: 4, hashWorkers: 2, minBatch: 2 };
export const MiB = 1024 * 1024;

/** Drives the pure machine by hand: keeps the state, the clock and every command it gave. */
export function machine(size = 256 * MiB, limits: Limits = LIMITS, resume?: Parameters<typeof createMachine>[3]) {
  let now = 1_000_000;
  const log: Command[] = [];
  let step: Step = createMachine(size, limits, true, resume, now);
  log.push(...step.commands);
  const h = {
    get state(): MachineState {
      return step.state;
    },
    get wakeAt() {
      return step.wakeAt;
    },
    get now() {
      return now;
    },
    log,
    /** Commands of the last step only. */
    last: step.commands,
    advance(ms: number) {
      now += ms;
      return h.send({ type: 'tick' });
    },
    send(event: MachineEvent) {
      step = transition(step.state, event, now);
      h.last = step.commands;
      log.push(...step.commands);
      return step.commands;
    },
    of<T extends Command['type']>(type: T): Array<Extract<Command, { type: T }>> {
      return log.filter((c): c is Extract<Command, { type: T }> => c.type === type);
    },
    /** The latest hash command of a part. */
    hashOf: (n: number) =>
      h
        .of('hash')
        .filter((c) => c.partNumber === n)
        .at(-1)!,
    putOf: (n: number) =>
      h
        .of('put')
        .filter((c) => c.partNumber === n)
        .at(-1)!,
    status: (n: number) => step.state.parts[n - 1]!.status,
    start(partSize = 32 * MiB, partCount = Math.ceil(size / partSize)) {
      return h.send({ type: 'started', key: 'staging/u/k-file.bin', uploadId: 'up-1', partSize, partCount, planToken: 'plan-token-1' });
    },
    hashed(n: number) {
      return h.send({ type: 'hashed', partNumber: n, ticket: h.hashOf(n).ticket, digest: `md5-${n}` });
    },
    /** Answers the signing call in flight, URLs valid for `ttlMs`. */
    signed(ttlMs = 300_000) {
      const call = h.of('sign').at(-1)!;
      return h.send({
        type: 'signed',
        ticket: call.ticket,
        parts: call.partNumbers.map((n) => ({ partNumber: n, url: `https://s3.test/${n}`, headers: {} })),
        expiresAt: now + ttlMs,
      });
    },
    uploaded(n: number) {
      return h.send({ type: 'uploaded', partNumber: n, ticket: h.putOf(n).ticket, etag: `"etag-${n}"` });
    },
    putFailed(n: number, reason: 'expired' | 'badDigest' | 'gone' | 'error' = 'error') {
      return h.send({ type: 'putFailed', partNumber: n, ticket: h.putOf(n).ticket, reason, message: 'boom', jitter: 0.5 });
    },
  };
  return h;
}
