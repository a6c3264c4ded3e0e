import type { AppRouter } from '@app/api';
import { QueryClient } from '@tanstack/react-query';
import { MAX_BATCH_CALLS } from '@app/api/policy';
import { httpBatchLink, splitLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';

export const trpc = createTRPCReact<AppRouter>();

/** Expected failures (4xx) are answers, not glitches: never retry them. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 60_000 },
    mutations: { retry: false },
  },
});

/**
 * The calls a transfer waits for. A batch is answered when its slowest call is: in a batch with a
 * verification (`complete` reads and copies the file, ~100 ms) a signing call would hold the next
 * file's PUT that long. They travel in batches of their own.
 */
const SIGNING = new Set(['upload.requestUrl', 'upload.multipart.start', 'upload.multipart.signParts']);

export function createTrpcClient(getToken: () => string | null) {
  const batch = () =>
    httpBatchLink({
      url: '/trpc',
      // 50 files picked at once are 50 requestUrl calls: one batch of them would be refused.
      maxItems: MAX_BATCH_CALLS,
      headers() {
        const token = getToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
  return trpc.createClient({
    links: [splitLink({ condition: (op) => SIGNING.has(op.path), true: batch(), false: batch() })],
  });
}
