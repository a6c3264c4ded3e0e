import { TRPCError } from '@trpc/server';
import type { Context, User } from './context';
import { userSegment } from './key';
import type { HeldBefore, LedgerAnswer } from './ledger';
import { formatBytes } from './policy';
import { RateLimitedError } from './limits';
import { storageError } from './storage-error';

type Ctx = Context & { user: User };

/**
 * How long a reservation outlives its signed URL: the URL is signed just after the reservation,
 * by a clock that may be a little ahead of another instance's (or the store's). An entry must
 * never run out while its URL can still put bytes in the bucket.
 */
export const RESERVATION_MARGIN_MS = 120_000;

function refuse(quota: number, held: number, size: number): TRPCError {
  return new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `Your storage quota is ${formatBytes(quota)}: ${formatBytes(held)} are in use or being uploaded and this file needs ${formatBytes(size)}. Delete files or ask for more space.`,
  });
}

const COUNTING_RETRY_SECONDS = 2;

/** A ledger step; a ledger that fails is a retriable SERVICE_UNAVAILABLE. */
async function attempt(step: () => Promise<LedgerAnswer>): Promise<LedgerAnswer> {
  try {
    return await step();
  } catch (error) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The quota ledger did not answer; try again in a moment.', cause: error });
  }
}

/** Runs a ledger step; a cold user is counted first (in the background, shared), then it runs again. */
async function settle(ctx: Ctx, user: string, step: () => Promise<LedgerAnswer>, size: number): Promise<HeldBefore | undefined> {
  const quota = ctx.limits.quotaBytes!;
  let answer = await attempt(step);
  if (!answer.ok && answer.reason === 'cold') {
    let warm: boolean;
    try {
      warm = await ctx.reconciler.warm(user);
    } catch (error) {
      throw storageError(error);
    }
    if (warm) answer = await attempt(step);
  }
  if (answer.ok) {
    if (answer.reconciledAt + ctx.reconciler.intervalMs < ctx.reconciler.now()) ctx.reconciler.refresh(user);
    return answer.before;
  }
  if (answer.reason === 'quota') throw refuse(quota, answer.heldBytes, size);
  ctx.setHeader?.('Retry-After', String(COUNTING_RETRY_SECONDS));
  throw new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Your stored files are still being counted; try again in ${COUNTING_RETRY_SECONDS} s.`,
    cause: new RateLimitedError(COUNTING_RETRY_SECONDS),
  });
}

/**
 * Counts a cold user's bytes in the background, without waiting: called when the page lists their
 * files (the first thing it does), so their first upload finds the count done instead of waiting
 * for it. A count that fails is tried again by the first call that needs it.
 */
export function countSoon(ctx: Ctx): void {
  if (ctx.limits.quotaBytes === null) return;
  void (async () => {
    const user = await userSegment(ctx.user.id);
    if ((await ctx.ledger.reconciledAt(user)) === null) await ctx.reconciler.warm(user);
  })().catch(() => {});
}

/** `ttlSeconds`: the lifetime of the URLs the hold covers (the route's, which may differ from UPLOAD_URL_TTL_SECONDS). */
const reservationEnd = (ctx: Ctx, ttlSeconds: number) => ctx.reconciler.now() + ttlSeconds * 1000 + RESERVATION_MARGIN_MS;

/**
 * Before signing: holds `size` bytes under `key` against the quota, atomically with every other
 * instance, until the signed URL can no longer be used. Again for the same key (more parts signed)
 * it only extends the hold, or holds the size again if a reconciliation shrank it. Answers what the
 * key held before (`off`: no quota, nothing is held).
 */
export async function reserveQuota(ctx: Ctx, key: string, size: number, ttlSeconds = ctx.policy.urlTtlSeconds): Promise<HeldBefore | 'off'> {
  const quota = ctx.limits.quotaBytes;
  if (quota === null) return 'off';
  const user = await userSegment(ctx.user.id);
  return (await settle(ctx, user, () => ctx.ledger.reserve(user, key, size, reservationEnd(ctx, ttlSeconds), quota), size)) ?? 'none';
}

/** At `complete`, before the promotion: the held bytes become stored, or the file must fit now. */
export async function commitQuota(ctx: Ctx, key: string, size: number, ttlSeconds = ctx.policy.urlTtlSeconds): Promise<void> {
  const quota = ctx.limits.quotaBytes;
  if (quota === null) return;
  const user = await userSegment(ctx.user.id);
  await settle(ctx, user, () => ctx.ledger.commit(user, key, size, reservationEnd(ctx, ttlSeconds), quota), size);
}

/** The promotion failed after `commitQuota`: the bytes are held again, so a retry needs no new room. */
export async function uncommitQuota(ctx: Ctx, key: string, size: number, ttlSeconds = ctx.policy.urlTtlSeconds): Promise<void> {
  if (ctx.limits.quotaBytes === null) return;
  const user = await userSegment(ctx.user.id);
  await ctx.ledger.uncommit(user, key, size, reservationEnd(ctx, ttlSeconds)).catch(() => ctx.reconciler.refresh(user));
}

/** A verified file was deleted: its bytes leave the quota at once (once, however often it is deleted). */
export async function removeFromQuota(ctx: Ctx, key: string, size: number): Promise<void> {
  if (ctx.limits.quotaBytes === null) return;
  const user = await userSegment(ctx.user.id);
  // Not removed now, the bytes only count until the next reconciliation: never fail the delete for it.
  await ctx.ledger.remove(user, key, size, ctx.reconciler.now() + ctx.reconciler.intervalMs).catch(() => ctx.reconciler.refresh(user));
}

/** Nothing will be stored under `key` (refused or aborted): its hold goes at once. */
export async function releaseQuota(ctx: Ctx, key: string): Promise<void> {
  if (ctx.limits.quotaBytes === null) return;
  const user = await userSegment(ctx.user.id);
  // A hold that cannot be dropped only counts until the next reconciliation: never fail the call for it.
  await ctx.ledger.release(user, key).catch(() => ctx.reconciler.refresh(user));
}
