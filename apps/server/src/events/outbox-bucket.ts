import { randomUUID } from 'node:crypto';
import type { JsonObjects } from '../storage/s3-json-objects';
import type { Claim, Outbox, StoredEvent } from './types';

export const PENDING_PREFIX = 'events/pending/';
export const FAILED_PREFIX = 'events/failed/';

// One folder per pending event: event.json (written once by emit), claim-<n>.json (attempt n,
// created only if absent: exactly one instance wins it; holds the lease's end) and
// retry-<n>-<due ms>.json (attempt n failed; due again then). The state of every event is in one
// listing of PENDING_PREFIX, so an instance reads claim bodies only for attempts in flight.
const CLAIM = /^claim-(\d+)\.json$/;
const RETRY = /^retry-(\d+)-(\d+)\.json$/;

interface Folder {
  id: string;
  keys: string[];
  hasEvent: boolean;
  lastClaim: number;
  lastRetry: number;
  retryAt: number;
}

function foldersOf(keys: string[]): Folder[] {
  const folders = new Map<string, Folder>();
  for (const key of keys) {
    const [id, name] = key.slice(PENDING_PREFIX.length).split('/');
    if (!id || !name) continue;
    const folder = folders.get(id) ?? { id, keys: [], hasEvent: false, lastClaim: 0, lastRetry: 0, retryAt: 0 };
    folders.set(id, folder);
    folder.keys.push(key);
    const claim = CLAIM.exec(name);
    const retry = RETRY.exec(name);
    if (name === 'event.json') folder.hasEvent = true;
    else if (claim) folder.lastClaim = Math.max(folder.lastClaim, Number(claim[1]));
    else if (retry && Number(retry[1]) > folder.lastRetry) {
      folder.lastRetry = Number(retry[1]);
      folder.retryAt = Number(retry[2]);
    }
  }
  return [...folders.values()];
}

/**
 * The outbox in the bucket, for servers without Redis. Needs a store that honours `If-None-Match: *`
 * on PUT (AWS S3, Ceph RGW, MinIO, R2; `pnpm s3:doctor` checks it): on one that does not, two
 * instances may make the same attempt, and the receiver sees it twice with the same `webhook-id`.
 */
export function createBucketOutbox(objects: JsonObjects): Outbox {
  const folder = (id: string) => `${PENDING_PREFIX}${id}/`;
  const claimKey = (id: string, n: number) => `${folder(id)}claim-${n}.json`;

  // The event goes first: once it is gone, no instance starts another attempt.
  async function remove(id: string) {
    await objects.delete([`${folder(id)}event.json`]);
    await objects.delete(await objects.list(folder(id)));
  }

  /** The attempt to claim now, or 0 when the event is not due. */
  async function nextAttempt(f: Folder, now: number): Promise<number> {
    if (f.lastClaim === 0) return 1;
    if (f.lastRetry >= f.lastClaim) return f.retryAt <= now ? f.lastClaim + 1 : 0;
    // An attempt is in flight, or its instance died: its lease says which.
    const lease = (await objects.get(claimKey(f.id, f.lastClaim))) as { leaseUntil?: number } | null;
    return (lease?.leaseUntil ?? 0) <= now ? f.lastClaim + 1 : 0;
  }

  return {
    async add(event) {
      await objects.create(`${folder(event.id)}event.json`, event);
    },

    async claim(now, leaseMs, limit) {
      const claims: Claim[] = [];
      const token = randomUUID();
      for (const f of foldersOf(await objects.list(PENDING_PREFIX))) {
        if (claims.length >= limit) break;
        // Left by an instance that reported on an event already delivered.
        if (!f.hasEvent) {
          await objects.delete(f.keys);
          continue;
        }
        const attempt = await nextAttempt(f, now);
        if (!attempt || !(await objects.create(claimKey(f.id, attempt), { leaseUntil: now + leaseMs, token }))) continue;
        const event = (await objects.get(`${folder(f.id)}event.json`)) as StoredEvent | null;
        if (event) claims.push({ event, attempt, token });
        else await objects.delete([claimKey(f.id, attempt)]);
      }
      return claims;
    },

    delivered: ({ event }) => remove(event.id),

    async failed({ event, attempt }, nextAt, error) {
      await objects.put(`${folder(event.id)}retry-${attempt}-${nextAt}.json`, { error });
    },

    async giveUp({ event, attempt }, error) {
      await objects.put(`${FAILED_PREFIX}${event.id}.json`, { event, attempts: attempt, error, gaveUpAt: new Date().toISOString() });
      await remove(event.id);
    },

    close: async () => {},
  };
}
