import { initTRPC, TRPCError } from '@trpc/server';
import type { Context, User } from './context';
import { RateLimitedError } from './limits';

interface IssueLike {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

function issuesOf(cause: unknown): IssueLike[] | null {
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return null;
  const { issues } = cause as { issues: unknown };
  return Array.isArray(issues) ? (issues as IssueLike[]) : null;
}

function pathOf(issue: IssueLike): string {
  const parts = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
  return parts.length ? parts.join('.') : 'input';
}

const t = initTRPC.context<Context>().create({
  /** Validation errors name the field: `size: must be a whole number of bytes`. */
  errorFormatter({ shape, error }) {
    if (error.cause instanceof RateLimitedError) {
      return { ...shape, data: { ...shape.data, retryAfterSeconds: error.cause.retryAfterSeconds } };
    }
    const issues = error.code === 'BAD_REQUEST' ? issuesOf(error.cause) : null;
    if (!issues) return shape;
    const fields: Record<string, string[]> = {};
    for (const issue of issues) (fields[pathOf(issue)] ??= []).push(issue.message);
    const message = Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
      .join('. ');
    return { ...shape, message, data: { ...shape.data, fields } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

/** Procedures for signed-in users; `ctx.user` is non-null inside. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: ctx.authError ? `Sign in again: ${ctx.authError}.` : 'Sign in first: send "Authorization: Bearer <token>".',
    });
  }
  // `ctx.user` is already the signed-in user: the override only narrows its type. Passed as a value,
  // tRPC would copy the whole context into a new object (property by property) on every call.
  return next({ ctx: undefined as unknown as { user: User } });
});
