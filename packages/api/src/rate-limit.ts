import { TRPCError } from '@trpc/server';
import type { Context, User } from './context';
import { RateLimitedError, type Limits } from './limits';

/** Counts a call against the user's limit for `name`; over it, TOO_MANY_REQUESTS with Retry-After. */
export async function enforceRateLimit(ctx: Context & { user: User }, name: keyof Omit<Limits, 'quotaBytes'>) {
  const decision = await ctx.limiter.consume(`${name}:${ctx.user.id}`, ctx.limits[name]);
  if (decision.allowed) return;
  ctx.setHeader?.('Retry-After', String(decision.retryAfterSeconds));
  throw new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many ${name} calls: try again in ${decision.retryAfterSeconds} s.`,
    cause: new RateLimitedError(decision.retryAfterSeconds),
  });
}
