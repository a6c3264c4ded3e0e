import { partLength, type PartPlan } from '@app/api/part-plan';

/**
 * A part's way through the upload: waiting → hashing → hashed → signing → signed → uploading →
 * uploaded. A failure sends it back (signed to retry, hashed to sign again, waiting to hash again).
 */
export type PartStatus = 'waiting' | 'hashing' | 'hashed' | 'signing' | 'signed' | 'uploading' | 'uploaded';

export interface PartUrl {
  url: string;
  headers: Record<string, string>;
  signedAt: number;
  expiresAt: number;
}

/** Everything known about one part, shared by hashing, signing and uploading. */
export interface PartRecord {
  partNumber: number;
  status: PartStatus;
  /** Base64 MD5, signed as Content-MD5 so the store refuses corrupted bytes. */
  digest?: string | undefined;
  url?: PartUrl | undefined;
  etag?: string | undefined;
  /** Failed PUTs so far. */
  attempts: number;
  /** Bytes of the PUT in flight that left the browser. */
  sent: number;
  /** A failed part is not sent again before this time (backoff). */
  retryAt: number;
  /** The hash or PUT in flight: an answer to an earlier one is ignored. */
  ticket: number;
}

export type Phase = 'starting' | 'listing' | 'running' | 'completing' | 'done' | 'failed' | 'cancelled';

export interface Limits {
  /** PUTs in flight at once. */
  concurrency: number;
  /** Hashes in flight at once (one a worker). */
  hashWorkers: number;
  /** How many parts beyond the uploading ones are hashed ahead. */
  lookahead: number;
  /**
   * Parts a signing call carries at least while another part is being hashed: the digests of the
   * hashing workers come in together, so waiting for a partner halves the calls for little delay.
   */
  minBatch: number;
  /** Parts a signing call carries at most. */
  maxBatch: number;
  /** A URL this close to expiry is signed again before it is used. */
  marginMs: number;
  maxAttempts: number;
}

export interface MachineState {
  phase: Phase;
  plan: PartPlan;
  /** `planToken`: `start`'s, so signing needs no read of the plan from the bucket (absent in old records). */
  upload: { key: string; uploadId: string; planToken?: string | undefined } | null;
  parts: PartRecord[];
  paused: boolean;
  online: boolean;
  /** No API call or PUT starts before this time (the API answered 429). */
  holdUntil: number;
  /** A PUT started since the upload last (re)started running: only then does the row say "uploading". */
  sending: boolean;
  /** The signing call in flight, one at a time; parts hashed meanwhile go in the next one. */
  signing: number | null;
  nextTicket: number;
  error?: unknown;
  limits: Limits;
}

export const newPart = (partNumber: number): PartRecord => ({ partNumber, status: 'waiting', attempts: 0, sent: 0, retryAt: 0, ticket: 0 });

export const partsOf = (plan: PartPlan): PartRecord[] => Array.from({ length: plan.partCount }, (_, i) => newPart(i + 1));

export const isTerminal = (state: MachineState) => state.phase === 'done' || state.phase === 'failed' || state.phase === 'cancelled';

/** What the row shows. "uploading" only once a PUT is on its way; before that the upload is being prepared. */
export type EngineStatus = 'requesting' | 'uploading' | 'paused' | 'offline' | 'waiting' | 'verifying';

export function statusOf(state: MachineState, now: number): EngineStatus {
  if (state.phase === 'completing') return 'verifying';
  if (state.paused) return 'paused';
  if (!state.online) return 'offline';
  if (now < state.holdUntil) return 'waiting';
  return state.sending ? 'uploading' : 'requesting';
}

/** Acknowledged bytes (whole parts the store holds) and bytes of the PUTs in flight. */
export function bytesOf(state: MachineState): { acknowledged: number; inFlight: number; partsDone: number } {
  let acknowledged = 0;
  let inFlight = 0;
  let partsDone = 0;
  for (const part of state.parts) {
    if (part.status === 'uploaded') {
      acknowledged += partLength(state.plan, part.partNumber);
      partsDone++;
    } else if (part.status === 'uploading') inFlight += part.sent;
  }
  return { acknowledged, inFlight, partsDone };
}
