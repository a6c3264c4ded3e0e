import { TRPCError } from '@trpc/server';
import type { Context, User } from '../context';
import { emitFileEvent, fileEventData } from '../file-event';
import { routePrefix, userSegment } from '../key';
import { removeFromQuota } from '../quota';
import { callStorage } from '../storage-error';
import type { ResolvedRoute } from './rules';

type Ctx = Context & { user: User };

/** How long a route's count lease lasts: longer than a promotion's copy, short enough to recover from a crash. */
const LEASE_MS = 30_000;
const WAIT_MS = 10_000;
const RETRY_SECONDS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` while this instance holds the user's lease on the route (the ledger's lock, shared by
 * every instance through Redis): counting a route's files and promoting one must be one step, or
 * parallel completes could each see room for one more.
 */
async function underLease<T>(ctx: Ctx, route: ResolvedRoute, fn: () => Promise<T>): Promise<T> {
  // A user segment never contains "/", so these names never meet the reconciler's per-user locks.
  const name = `${await userSegment(ctx.user.id)}/${route.rules.name}`;
  const giveUp = Date.now() + WAIT_MS;
  for (let wait = 10; !(await ctx.ledger.lock(name, LEASE_MS)); wait = Math.min(wait * 2, 200)) {
    if (Date.now() > giveUp) {
      ctx.setHeader?.('Retry-After', String(RETRY_SECONDS));
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Other uploads to route "${route.rules.name}" are being completed; try again in ${RETRY_SECONDS} s.` });
    }
    await sleep(wait + Math.random() * wait);
  }
  try {
    return await fn();
  } finally {
    await ctx.ledger.unlock(name).catch(() => {});
  }
}

/** The user's verified files on the route, newest first (keys sort by time, see `keyId`), up to 1001. */
async function filesOn(ctx: Ctx, route: ResolvedRoute) {
  const prefix = await routePrefix(ctx.user.id, route.rules.name);
  const page = await callStorage(() => ctx.storage.listObjects(prefix, { limit: (route.rules.maxFiles ?? 0) + 1 }));
  return page.objects.filter((o) => !o.key.endsWith('.multipart.json'));
}

export function tooMany(route: ResolvedRoute): TRPCError {
  const n = route.rules.maxFiles;
  return new TRPCError({
    code: 'PRECONDITION_FAILED',
    message: `You keep ${n} file${n === 1 ? '' : 's'} on route "${route.rules.name}", the most it allows: delete one first (files.delete).`,
  });
}

/** Early refusal before signing (the count at `complete` is the one that holds under parallel requests). */
export async function assertRoomFor(ctx: Ctx, route: ResolvedRoute): Promise<void> {
  if (route.rules.maxFiles === null || route.rules.replace) return;
  if ((await filesOn(ctx, route)).length >= route.rules.maxFiles) throw tooMany(route);
}

/** Deletes a replaced file: the ledger drops its bytes and a `file.deleted` event goes out. */
async function removeReplaced(ctx: Ctx, key: string, size: number): Promise<void> {
  const head = await callStorage(() => ctx.storage.headObject(key));
  await callStorage(() => ctx.storage.deleteObject(key));
  await removeFromQuota(ctx, key, size);
  if (head) await emitFileEvent(ctx, 'file.deleted', fileEventData(ctx.user, key, head));
}

/**
 * Promotes a verified file within the route's file count: `refuse` refuses at the count (or
 * `promote` runs), and on a replacing route the oldest files beyond the count are deleted once the
 * new one is final. Returns the keys deleted. Routes without a count promote at once.
 */
export async function promoteCounted(ctx: Ctx, route: ResolvedRoute, finalKey: string, refuse: () => Promise<never>, promote: () => Promise<void>): Promise<string[]> {
  const max = route.rules.maxFiles;
  if (max === null) {
    await promote();
    return [];
  }
  return underLease(ctx, route, async () => {
    const before = await filesOn(ctx, route);
    if (!route.rules.replace && before.length >= max) await refuse();
    await promote();
    if (!route.rules.replace) return [];
    const others = before.filter((o) => o.key !== finalKey);
    const extra = others.slice(Math.max(0, max - 1));
    for (const o of extra) await removeReplaced(ctx, o.key, o.size);
    return extra.map((o) => o.key);
  });
}
