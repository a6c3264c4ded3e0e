import type { AppRouter, RouterInputs, RouterOutputs } from '@app/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { describe, expectTypeOf, it } from 'vitest';
import { uploadApiOf, type CompleteResult, type RouteName, type RouteOf, type UploadApi } from './api';
import { createUploadClient } from './client';
import { POLICY } from './client.fixture';

describe('the client is typed by AppRouter', () => {
  it('takes a tRPC client of AppRouter, and complete answers what the router says', () => {
    const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:1/trpc' })] });
    expectTypeOf(uploadApiOf(trpc)).toEqualTypeOf<UploadApi>();
    expectTypeOf<CompleteResult>().toEqualTypeOf<RouterOutputs['upload']['complete'] | RouterOutputs['upload']['multipart']['complete']>();
    // @ts-expect-error: a client of another router lacks the upload procedures
    uploadApiOf(createTRPCClient<{ _def: never }>({ links: [] }));
  });

  it('takes the route names of the route table, and complete answers with the route it went to', () => {
    expectTypeOf<RouteName>().toEqualTypeOf<NonNullable<RouterInputs['upload']['requestUrl']['route']>>();
    expectTypeOf<'default'>().toExtend<RouteName>();
    expectTypeOf<CompleteResult['route']>().toEqualTypeOf<RouteName>();
    const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:1/trpc' })] });
    const client = createUploadClient({ api: uploadApiOf(trpc), policy: POLICY });
    client.add([], { route: 'default' });
    // @ts-expect-error: not a route of the table
    client.add([], { route: 'no-such-route' });
    client.on('done', ({ result }) => expectTypeOf(result.route).toEqualTypeOf<RouteName>());
  });

  it('reads route names from the signing input, and none where it has no route', () => {
    expectTypeOf<RouteOf<{ fileName: string; route?: 'photos' | 'docs' }>>().toEqualTypeOf<'photos' | 'docs'>();
    expectTypeOf<RouteOf<{ fileName: string; route: 'avatar' }>>().toEqualTypeOf<'avatar'>();
    expectTypeOf<RouteOf<{ fileName: string }>>().toEqualTypeOf<never>();
  });

  it('is generic over the route name and the complete answer', () => {
    const api = {} as UploadApi<'photos' | 'docs', { route: 'photos'; url: string }>;
    const client = createUploadClient({ api, policy: POLICY });
    client.add([], { route: 'photos' });
    // @ts-expect-error: not a route
    client.add([], { route: 'videos' });
    expectTypeOf(client.getSnapshot().items[0]!.result).toEqualTypeOf<{ route: 'photos'; url: string } | undefined>();
    expectTypeOf(client.getSnapshot().items[0]!.route).toEqualTypeOf<'photos' | 'docs' | undefined>();
    client.on('done', ({ result }) => expectTypeOf(result.url).toBeString());
  });
});
