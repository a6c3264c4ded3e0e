import { TRPCError } from '@trpc/server';
import type { Context, User } from './context';
import { stagingPrefix, userPrefix } from './key';
import { formatBytes } from './policy';
import { callStorage } from './storage-error';

type Ctx = Context & { user: User };

function refuse(quota: number, used: number, size: number): TRPCError {
  return new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `Your storage quota is ${formatBytes(quota)}: ${formatBytes(used)} are in use and this file needs ${formatBytes(size)}. Delete files or ask for more space.`,
  });
}

/**
 * Before signing: stored + staged bytes (cached for a few seconds) plus this file must fit the
 * quota. The file's size is then reserved in the cache, so a burst of requests cannot overshoot.
 */
export async function reserveQuota(ctx: Ctx, size: number): Promise<void> {
  const quota = ctx.limits.quotaBytes;
  if (quota === null) return;
  let used = await ctx.usage.get(ctx.user.id);
  if (used === null) {
    const [stored, staged] = await Promise.all([
      callStorage(async () => ctx.storage.sumBytes(await userPrefix(ctx.user.id))),
      callStorage(async () => ctx.storage.sumBytes(await stagingPrefix(ctx.user.id))),
    ]);
    used = stored + staged;
    await ctx.usage.set(ctx.user.id, used);
  }
  if (used + size > quota) throw refuse(quota, used, size);
  await ctx.usage.add(ctx.user.id, size);
}

/** At `complete`: the verified files, counted afresh from the bucket, plus this one must fit. */
export async function checkQuotaForPromotion(ctx: Ctx, size: number): Promise<void> {
  const quota = ctx.limits.quotaBytes;
  if (quota === null) return;
  const stored = await callStorage(async () => ctx.storage.sumBytes(await userPrefix(ctx.user.id)));
  if (stored + size > quota) throw refuse(quota, stored, size);
}
