/**
 * What an API call's failure means, read from tRPC's error shape (`error.data.code`), never from its
 * text. Duck-typed on `TRPCClientError`'s name so the client needs no tRPC runtime and fakes fit.
 */
export interface ApiFailure {
  /** The tRPC error code, e.g. UNAUTHORIZED; undefined when no answer came (network, proxy). */
  code: string | undefined;
  retryAfterSeconds: number | undefined;
}

export function apiFailureOf(error: unknown): ApiFailure | null {
  if (typeof error !== 'object' || error === null || (error as { name?: unknown }).name !== 'TRPCClientError') return null;
  const data = (error as { data?: { code?: string; retryAfterSeconds?: number } | null }).data ?? undefined;
  return { code: data?.code, retryAfterSeconds: data?.retryAfterSeconds };
}

/** The tRPC code of an API failure (e.g. UNAUTHORIZED), or undefined for anything else. */
export const codeOf = (error: unknown): string | undefined => apiFailureOf(error)?.code;

/** A store or rate-limit hiccup, or no answer at all: worth calling again after a wait. */
export function isRetriable(error: unknown): boolean {
  const failure = apiFailureOf(error);
  return !!failure && (failure.code === undefined || failure.code === 'TOO_MANY_REQUESTS' || failure.code === 'SERVICE_UNAVAILABLE');
}

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

export const aborted = () => new DOMException('Upload cancelled', 'AbortError');
