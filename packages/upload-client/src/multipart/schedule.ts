import { partRange } from '@app/api/part-plan';
import type { Command } from './machine-io';
import { isTerminal, type MachineState, type PartRecord, type PartUrl } from './part-state';

/**
 * Whether a URL may still be used: until `marginMs` before it expires, or for half its life when
 * links live shorter than the margin (a URL signed just now is then still used).
 */
const usable = (url: PartUrl, now: number, marginMs: number) => url.expiresAt - now > Math.min(marginMs, (url.expiresAt - url.signedAt) / 2);

/**
 * Starts whatever can start now. Hashing runs ahead of the uploads (also while paused, offline, or
 * during `start`); signing, PUTs and `complete` only while the upload may send.
 */
export function schedule(input: MachineState, now: number): { state: MachineState; commands: Command[]; wakeAt: number | null } {
  if (isTerminal(input)) return { state: input, commands: [], wakeAt: null };
  const state: MachineState = { ...input, parts: input.parts.slice() };
  const { limits, plan } = state;
  const commands: Command[] = [];
  const set = (part: PartRecord, patch: Partial<PartRecord>) => (state.parts[part.partNumber - 1] = { ...part, ...patch });
  const ticket = () => state.nextTicket++;

  if (state.phase === 'starting' || state.phase === 'running') {
    const window = state.parts.filter((p) => p.status !== 'uploaded').slice(0, limits.concurrency + limits.lookahead);
    let hashing = state.parts.filter((p) => p.status === 'hashing').length;
    for (const part of window) {
      if (hashing >= limits.hashWorkers) break;
      if (part.status !== 'waiting') continue;
      const t = ticket();
      set(part, { status: 'hashing', ticket: t });
      commands.push({ type: 'hash', partNumber: part.partNumber, ticket: t, ...partRange(plan, part.partNumber) });
      hashing++;
    }
  }

  const mayRun = state.phase === 'running' && !state.paused && state.online && now >= state.holdUntil;
  let wakeAt: number | null = now < state.holdUntil ? state.holdUntil : null;
  const wake = (at: number) => (wakeAt = wakeAt === null ? at : Math.min(wakeAt, at));
  if (mayRun && state.upload) {
    let uploading = state.parts.filter((p) => p.status === 'uploading').length;
    for (const part of state.parts) {
      if (uploading >= limits.concurrency) break;
      if (part.status !== 'signed') continue;
      if (part.retryAt > now) {
        wake(part.retryAt);
        continue;
      }
      if (!usable(part.url!, now, limits.marginMs)) {
        set(part, { status: 'hashed', url: undefined });
        continue;
      }
      const t = ticket();
      set(part, { status: 'uploading', ticket: t, sent: 0 });
      commands.push({ type: 'put', partNumber: part.partNumber, ticket: t, url: part.url!, ...partRange(plan, part.partNumber) });
      state.sending = true;
      uploading++;
    }

    // A part goes alone only when no partner is being hashed and either a free slot waits for it or
    // it is the last to sign: calls carry two parts or more (8 parts: at most 4 calls with two
    // workers, at any concurrency), and parts are signed before a slot asks for them.
    const ready = state.parts.filter((p) => p.status === 'hashed');
    const hashing = state.parts.some((p) => p.status === 'hashing');
    const queued = state.parts.filter((p) => p.status === 'signed').length;
    const alone = uploading + queued < limits.concurrency || !state.parts.some((p) => p.status === 'waiting');
    if (state.signing === null && ready.length > 0 && (ready.length >= limits.minBatch || (alone && !hashing))) {
      const batch = ready.slice(0, limits.maxBatch);
      const t = ticket();
      for (const part of batch) set(part, { status: 'signing', ticket: t });
      state.signing = t;
      const partNumbers = batch.map((p) => p.partNumber);
      commands.push({ type: 'sign', ticket: t, ...state.upload, partNumbers, contentMd5: batch.map((p) => p.digest!) });
    }

    if (state.parts.every((p) => p.status === 'uploaded')) {
      state.phase = 'completing';
      commands.push({
        type: 'complete',
        key: state.upload.key,
        uploadId: state.upload.uploadId,
        parts: state.parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag! })),
      });
    }
  }
  return { state, commands, wakeAt };
}
