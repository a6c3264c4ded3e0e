import { planParts } from '@app/api/part-plan';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMachine, DEFAULT_LIMITS, transition, type Step } from './machine';
import type { Command, MachineEvent } from './machine-io';
import { isTerminal } from './part-state';

const MiB = 1024 * 1024;
type Open = Extract<Command, { type: 'start' | 'list' | 'hash' | 'sign' | 'put' | 'complete' }>;

const action = fc.oneof(
  { weight: 12, arbitrary: fc.record({ type: fc.constant('answer' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('fail' as const), pick: fc.nat(), reason: fc.constantFrom('expired' as const, 'badDigest' as const, 'error' as const) }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('late' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constantFrom('pause' as const, 'resume' as const, 'offline' as const, 'online' as const) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('hold' as const), ms: fc.integer({ min: 1, max: 10_000 }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 120_000 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel' as const) }) },
);

type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

/**
 * Plays random orders of answers (hashes, signing calls, PUTs, some failing, some arriving late for
 * a PUT already stopped), pause, resume, offline, 429 holds, time passing and cancel; then lets every
 * outstanding request answer. The upload must end done with every part uploaded exactly once, or
 * cancelled; and it must get there: a machine with nothing outstanding and no wake-up time is stuck.
 */
function play(size: number, concurrency: number, hashWorkers: number, resumeHeld: number[] | null, script: Action[]) {
  const limits = { ...DEFAULT_LIMITS, concurrency, hashWorkers, minBatch: hashWorkers };
  const planned = planParts(size);
  let now = 0;
  const resume = resumeHeld && { key: 'k', uploadId: 'u', partSize: planned.partSize, partCount: planned.partCount };
  let step: Step = createMachine(size, limits, true, resume ?? undefined, now);
  const open: Open[] = [];
  const stopped: Array<Extract<Command, { type: 'put' }>> = [];
  const accepted = new Map<number, string>();
  const failures = new Map<number, number>();
  const completes: Array<Extract<Command, { type: 'complete' }>> = [];
  let cancelled = false;
  let aborts = 0;

  const take = (commands: Command[]) => {
    const s = step.state;
    expect(s.parts.filter((p) => p.status === 'uploading').length).toBeLessThanOrEqual(concurrency);
    for (const c of commands) {
      if (c.type === 'put') {
        expect(accepted.has(c.partNumber)).toBe(false);
        expect(s.paused || !s.online || now < s.holdUntil).toBe(false);
      }
      if (c.type === 'sign') {
        expect(open.some((o) => o.type === 'sign')).toBe(false);
        expect(c.partNumbers.length).toBeLessThanOrEqual(limits.maxBatch);
        expect(c.contentMd5.every((d) => typeof d === 'string')).toBe(true);
      }
      if (c.type === 'complete') completes.push(c);
      if (c.type === 'abortUpload') aborts++;
      if (c.type === 'abortPut') {
        const i = open.findIndex((o) => o.type === 'put' && o.ticket === c.ticket);
        if (i >= 0) stopped.push(...(open.splice(i, 1) as Array<Extract<Command, { type: 'put' }>>));
      } else if (c.type !== 'abortUpload') open.push(c);
    }
  };
  const send = (event: MachineEvent) => {
    if (event.type === 'uploaded') {
      const part = step.state.parts[event.partNumber - 1]!;
      if (part.status === 'uploading' && part.ticket === event.ticket) {
        expect(accepted.has(event.partNumber)).toBe(false);
        accepted.set(event.partNumber, event.etag);
      }
    }
    step = transition(step.state, event, now);
    take(step.commands);
  };
  const answer = (c: Open): MachineEvent => {
    switch (c.type) {
      case 'start':
        return { type: 'started', key: 'k', uploadId: 'u', partSize: planned.partSize, partCount: planned.partCount };
      case 'list':
        return {
          type: 'listed',
          parts: resumeHeld!
            .filter((n) => n <= planned.partCount)
            .map((n) => ({ partNumber: n, etag: `held-${n}`, size: n === planned.partCount ? size - (n - 1) * planned.partSize : planned.partSize })),
        };
      case 'hash':
        return { type: 'hashed', partNumber: c.partNumber, ticket: c.ticket, digest: `md5-${c.partNumber}` };
      case 'sign':
        return { type: 'signed', ticket: c.ticket, parts: c.partNumbers.map((n) => ({ partNumber: n, url: `u${n}`, headers: {} })), expiresAt: now + 300_000 };
      case 'put':
        return { type: 'uploaded', partNumber: c.partNumber, ticket: c.ticket, etag: `etag-${c.ticket}` };
      case 'complete':
        return { type: 'completed' };
    }
  };
  const take1 = (pick: number) => open.splice(pick % open.length, 1)[0]!;

  take(step.commands);
  for (const a of script) {
    if (a.type === 'answer' && open.length) send(answer(take1(a.pick)));
    else if (a.type === 'fail') {
      const puts = open.filter((o) => o.type === 'put');
      const c = puts[a.pick % Math.max(1, puts.length)];
      // At most maxAttempts - 2 failures a part, so that the upload is not meant to give up.
      if (!c || (failures.get(c.partNumber) ?? 0) >= limits.maxAttempts - 2) continue;
      failures.set(c.partNumber, (failures.get(c.partNumber) ?? 0) + 1);
      open.splice(open.indexOf(c), 1);
      send({ type: 'putFailed', partNumber: c.partNumber, ticket: c.ticket, reason: a.reason, message: 'boom', jitter: 0.3 });
    } else if (a.type === 'late' && stopped.length) {
      const c = stopped.splice(a.pick % stopped.length, 1)[0]!;
      send({ type: 'putFailed', partNumber: c.partNumber, ticket: c.ticket, reason: 'error', message: 'aborted', jitter: 0 });
    } else if (a.type === 'hold') send({ type: 'hold', until: now + a.ms });
    else if (a.type === 'tick') {
      now += a.ms;
      send({ type: 'tick' });
    } else if (a.type === 'cancel') {
      cancelled ||= !isTerminal(step.state) && step.state.phase !== 'completing';
      send({ type: 'cancel' });
    } else if (a.type !== 'answer' && a.type !== 'late') send({ type: a.type });
  }

  // Everyone answers now: the network is back, the user resumes, time passes.
  send({ type: 'resume' });
  send({ type: 'online' });
  for (let i = 0; !isTerminal(step.state); i++) {
    expect(i, 'the upload never ends').toBeLessThan(5_000);
    if (open.length) send(answer(take1(0)));
    else {
      expect(step.wakeAt, `stuck: ${JSON.stringify(step.state.parts.map((p) => p.status))}`).not.toBeNull();
      now = step.wakeAt!;
      send({ type: 'tick' });
    }
  }

  if (cancelled) {
    expect(step.state.phase).toBe('cancelled');
    expect(completes).toEqual([]);
    return;
  }
  expect(step.state.phase).toBe('done');
  expect(completes).toHaveLength(1);
  const all = Array.from({ length: planned.partCount }, (_, i) => i + 1);
  expect(completes[0]!.parts.map((p) => p.partNumber)).toEqual(all);
  for (const { partNumber, etag } of completes[0]!.parts) expect(etag).toBe(accepted.get(partNumber) ?? `held-${partNumber}`);
  for (const n of all) expect(accepted.has(n) !== (resumeHeld ?? []).includes(n)).toBe(true);
  expect(aborts).toBe(0);
}

describe('the multipart state machine, over random orders of events', () => {
  it('ends with every part uploaded exactly once, or cancelled, and never waits forever', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 * 64 * MiB }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 2 }),
        fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { maxLength: 10 }), { freq: 3 }),
        fc.array(action, { maxLength: 300 }),
        (size, concurrency, hashWorkers, held, script) => play(size, concurrency, hashWorkers, held, script),
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});
