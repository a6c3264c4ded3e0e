import { TRPCError } from '@trpc/server';

/** Wraps a storage failure in a typed, retriable error that keeps the original as `cause`. */
export function storageUnavailable(cause: unknown): TRPCError {
  if (cause instanceof TRPCError) return cause;
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'The file store did not answer; try again in a moment.',
    cause,
  });
}

/** Runs a storage call, turning its failures into `storageUnavailable`. */
export async function callStorage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw storageUnavailable(error);
  }
}
