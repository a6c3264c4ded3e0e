import { partLength, planParts, type PartPlan } from '@app/api/part-plan';
import { backoffMs } from '../backoff';
import type { Command, MachineEvent } from './machine-io';
import { isTerminal, newPart, partsOf, type Limits, type MachineState, type PartRecord } from './part-state';
import { schedule } from './schedule';

/** The state after an event, the commands to carry out, and when to be woken (a `tick`) if nothing else happens. */
export interface Step {
  state: MachineState;
  commands: Command[];
  wakeAt: number | null;
}

export const DEFAULT_LIMITS: Omit<Limits, 'concurrency' | 'hashWorkers' | 'minBatch'> = { lookahead: 4, maxBatch: 8, marginMs: 30_000, maxAttempts: 8 };

/**
 * A new upload of `size` bytes, or the continuation of one started earlier (`resume`: only the parts
 * ListParts does not show are sent). A new upload hashes its first parts while `start` runs: the
 * part size is the server's, but the rule is shared (`planParts`).
 */
export function createMachine(
  size: number,
  limits: Limits,
  online: boolean,
  resume?: { key: string; uploadId: string; partSize: number; partCount: number; planToken?: string | undefined },
  now = 0,
): Step {
  const plan: PartPlan = resume ? { size, partSize: resume.partSize, partCount: resume.partCount } : planParts(size);
  const state: MachineState = {
    phase: resume ? 'listing' : 'starting',
    plan,
    upload: resume ? { key: resume.key, uploadId: resume.uploadId, planToken: resume.planToken } : null,
    parts: partsOf(plan),
    paused: false,
    online,
    holdUntil: 0,
    sending: false,
    signing: null,
    nextTicket: 1,
    limits,
  };
  const first: Command = resume ? { type: 'list', key: resume.key, uploadId: resume.uploadId } : { type: 'start' };
  const step = schedule(state, now);
  return { ...step, commands: [first, ...step.commands] };
}

/** The pure heart of the engine: one event in, the next state and what to do out. */
export function transition(state: MachineState, event: MachineEvent, now: number): Step {
  const { state: next, commands } = apply(state, event, now);
  const step = schedule(next, now);
  return { ...step, commands: [...commands, ...step.commands] };
}

function update(state: MachineState, partNumber: number, patch: Partial<PartRecord>): MachineState {
  const parts = state.parts.slice();
  parts[partNumber - 1] = { ...parts[partNumber - 1]!, ...patch };
  return { ...state, parts };
}

/** Stops every PUT in flight; their parts keep their URLs and are sent again later. */
function stopPuts(state: MachineState): { state: MachineState; commands: Command[] } {
  const commands: Command[] = [];
  const parts = state.parts.map((part) => {
    if (part.status !== 'uploading') return part;
    commands.push({ type: 'abortPut', ticket: part.ticket });
    return { ...part, status: 'signed' as const, sent: 0 };
  });
  return { state: { ...state, parts }, commands };
}

const fail = (state: MachineState, error: unknown) => stopPuts({ ...state, phase: 'failed', error });

function apply(state: MachineState, event: MachineEvent, now: number): { state: MachineState; commands: Command[] } {
  const same = { state, commands: [] };
  const part = 'partNumber' in event ? state.parts[event.partNumber - 1] : undefined;
  const current = (status: PartRecord['status']) => part !== undefined && 'ticket' in event && part.ticket === event.ticket && part.status === status;
  switch (event.type) {
    case 'started': {
      const upload = { key: event.key, uploadId: event.uploadId, planToken: event.planToken };
      // Cancelled or failed while `start` ran: the upload the store just created is aborted at once.
      if (state.phase === 'cancelled' || state.phase === 'failed') return { state, commands: [{ type: 'abortUpload', key: event.key, uploadId: event.uploadId }] };
      if (state.phase !== 'starting') return same;
      const plan = { size: state.plan.size, partSize: event.partSize, partCount: event.partCount };
      const samePlan = plan.partSize === state.plan.partSize && plan.partCount === state.plan.partCount;
      return { state: { ...state, phase: 'running', upload, plan, parts: samePlan ? state.parts : partsOf(plan) }, commands: [] };
    }
    case 'listed': {
      if (state.phase !== 'listing') return same;
      const held = new Map(event.parts.map((p) => [p.partNumber, p]));
      const parts = state.parts.map((p) => {
        const stored = held.get(p.partNumber);
        // A stored part of another length is not this plan's: it is sent again (and replaced).
        return stored && stored.size === partLength(state.plan, p.partNumber) ? { ...newPart(p.partNumber), status: 'uploaded' as const, etag: stored.etag } : p;
      });
      return { state: { ...state, phase: 'running', parts }, commands: [] };
    }
    case 'hashed':
      return current('hashing') ? { state: update(state, event.partNumber, { status: 'hashed', digest: event.digest }), commands: [] } : same;
    case 'hashFailed':
      return current('hashing') && !isTerminal(state) ? fail(state, event.error) : same;
    case 'signed': {
      if (state.signing !== event.ticket) return same;
      const urls = new Map(event.parts.map((p) => [p.partNumber, p]));
      const parts = state.parts.map((p) => {
        if (p.status !== 'signing' || p.ticket !== event.ticket) return p;
        const signed = urls.get(p.partNumber);
        if (!signed) return { ...p, status: 'hashed' as const };
        return { ...p, status: 'signed' as const, url: { url: signed.url, headers: signed.headers, signedAt: now, expiresAt: event.expiresAt } };
      });
      return { state: { ...state, parts, signing: null }, commands: [] };
    }
    case 'signFailed':
      if (state.signing !== event.ticket) return same;
      return isTerminal(state) ? same : fail({ ...state, signing: null }, event.error);
    case 'progress':
      return current('uploading') ? { state: update(state, event.partNumber, { sent: event.bytes }), commands: [] } : same;
    case 'uploaded':
      return current('uploading') ? { state: update(state, event.partNumber, { status: 'uploaded', etag: event.etag, sent: 0 }), commands: [] } : same;
    case 'putFailed': {
      if (!current('uploading')) return same;
      // A PUT that failed because the browser went offline says nothing about the part.
      const attempts = part!.attempts + (state.online ? 1 : 0);
      const { maxAttempts } = state.limits;
      const retry = { attempts, sent: 0 };
      const why =
        event.reason === 'gone'
          ? 'The store no longer has this upload (it was cancelled, completed or expired): upload the file again.'
          : attempts >= maxAttempts
            ? `Part ${event.partNumber} failed ${maxAttempts} times: ${event.message}.`
            : null;
      if (why) return fail(update(state, event.partNumber, { ...retry, status: 'signed' }), new Error(why));
      if (event.reason === 'expired') return { state: update(state, event.partNumber, { ...retry, status: 'hashed', url: undefined }), commands: [] };
      if (event.reason === 'badDigest')
        return { state: update(state, event.partNumber, { ...retry, status: 'waiting', url: undefined, digest: undefined }), commands: [] };
      const retryAt = now + backoffMs(attempts - 1, () => event.jitter);
      return { state: update(state, event.partNumber, { ...retry, status: 'signed', retryAt }), commands: [] };
    }
    case 'callFailed':
      return isTerminal(state) ? same : fail(state, event.error);
    case 'completed':
      return state.phase === 'completing' ? { state: { ...state, phase: 'done' }, commands: [] } : same;
    case 'pause':
      if (state.paused || isTerminal(state) || state.phase === 'completing') return same;
      return stopPuts({ ...state, paused: true, sending: false });
    case 'resume':
      return { state: { ...state, paused: false }, commands: [] };
    case 'cancel': {
      if (isTerminal(state) || state.phase === 'completing') return same;
      const stopped = stopPuts({ ...state, phase: 'cancelled' });
      const abort: Command[] = state.upload ? [{ type: 'abortUpload', key: state.upload.key, uploadId: state.upload.uploadId }] : [];
      return { state: stopped.state, commands: [...stopped.commands, ...abort] };
    }
    case 'offline':
      return { state: { ...state, online: false, sending: false }, commands: [] };
    case 'online':
      return { state: { ...state, online: true }, commands: [] };
    case 'hold':
      return { state: { ...state, holdUntil: Math.max(state.holdUntil, event.until), sending: false }, commands: [] };
    case 'tick':
      return same;
  }
}
