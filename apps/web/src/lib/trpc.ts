import type { AppRouter } from '@app/api';
import { QueryClient } from '@tanstack/react-query';
import { MAX_BATCH_CALLS } from '@app/api/policy';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';

export const trpc = createTRPCReact<AppRouter>();

/** Expected failures (4xx) are answers, not glitches: never retry them. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 60_000 },
    mutations: { retry: false },
  },
});

export function createTrpcClient(getToken: () => string | null) {
  return trpc.createClient({
    links: [
      httpBatchLink({
        url: '/trpc',
        // 50 files picked at once are 50 requestUrl calls: one batch of them would be refused.
        maxItems: MAX_BATCH_CALLS,
        headers() {
          const token = getToken();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}
