import { TRPCError } from '@trpc/server';
import { VersionChangedError } from './context';

/**
 * Turns a storage failure into a typed error that keeps the original as `cause`: a file that
 * changed mid-verification is a CONFLICT; anything else is SERVICE_UNAVAILABLE, worth a retry.
 */
export function storageError(cause: unknown): TRPCError {
  if (cause instanceof TRPCError) return cause;
  if (cause instanceof VersionChangedError) {
    return new TRPCError({
      code: 'CONFLICT',
      message: 'The file changed while it was being verified; upload it again with a new link.',
      cause,
    });
  }
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'The file store did not answer; try again in a moment.',
    cause,
  });
}

/** Runs a storage call, turning its failures into typed errors. */
export async function callStorage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw storageError(error);
  }
}
