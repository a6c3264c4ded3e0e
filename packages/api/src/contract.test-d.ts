import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter, RouteData, RouteName, RouterInputs, RouterOutputs, RouteTypes } from './index';
import { setup } from './test/caller';

describe('the upload contract', () => {
  it('takes a file description, with PUT or POST', () => {
    expectTypeOf<RouterInputs['upload']['requestUrl']>().toEqualTypeOf<{
      fileName: string;
      contentType: string;
      size: number;
      method?: 'PUT' | 'POST' | undefined;
      route?: 'default' | 'image' | 'document' | 'avatar' | 'photo' | undefined;
    }>();
    expectTypeOf<RouterInputs['upload']['multipart']['start']['route']>().toEqualTypeOf<RouteName | undefined>();
  });

  it('answers PUT with headers and POST with form fields', () => {
    type Out = RouterOutputs['upload']['requestUrl'];
    expectTypeOf<Out['key']>().toEqualTypeOf<string>();
    expectTypeOf<Out['expiresAt']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<Out, { method: 'PUT' }>['headers']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<Extract<Out, { method: 'POST' }>['fields']>().toEqualTypeOf<Record<string, string>>();
    // @ts-expect-error a PUT answer has no form fields
    type _NoFields = Extract<Out, { method: 'PUT' }>['fields'];
  });

  it('completes by key', () => {
    expectTypeOf<RouterInputs['upload']['complete']>().toEqualTypeOf<{ key: string }>();
    type Done = RouterOutputs['upload']['complete'];
    expectTypeOf<Pick<Done, 'key' | 'size' | 'contentType' | 'url' | 'name' | 'replaced'>>().toEqualTypeOf<{
      key: string;
      size: number;
      contentType: string;
      url: string;
      name: string;
      replaced: string[];
    }>();
    expectTypeOf<Done['route']>().toEqualTypeOf<RouteName>();
    expectTypeOf<RouterOutputs['upload']['multipart']['complete']>().toEqualTypeOf<Done>();
  });

  it('lists files a page at a time and deletes by key: the fields the My files view reads', () => {
    expectTypeOf<RouterInputs['files']['list']>().toEqualTypeOf<
      void | { route?: string | undefined; cursor?: string | undefined; limit?: number | undefined } | undefined
    >();
    expectTypeOf<RouterOutputs['files']['list']>().toEqualTypeOf<{
      files: { key: string; name: string; size: number; contentType: string; uploadedAt: string; route: string; url: string }[];
      nextCursor: string | null;
    }>();
    expectTypeOf<RouterInputs['files']['delete']>().toEqualTypeOf<{ key: string }>();
    expectTypeOf<RouterOutputs['files']['delete']>().toEqualTypeOf<{ key: string; deleted: boolean }>();
  });

  it('signs in by name in development', () => {
    expectTypeOf<RouterInputs['auth']['devSignIn']>().toEqualTypeOf<{ name: string }>();
    expectTypeOf<RouterOutputs['auth']['devSignIn']['user']>().toEqualTypeOf<{ id: string; name: string }>();
  });

  it('rejects wrong inputs at compile time', async () => {
    const { caller } = setup();
    // @ts-expect-error size is a number
    await caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: '10' }).catch(() => {});
    // @ts-expect-error method is PUT or POST
    await caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: 1, method: 'GET' }).catch(() => {});
    // @ts-expect-error fileName is required
    await caller.upload.requestUrl({ contentType: 'image/png', size: 1 }).catch(() => {});
    // @ts-expect-error complete needs a key
    await caller.upload.complete({}).catch(() => {});
    // @ts-expect-error limit is a number
    await caller.files.list({ limit: '10' }).catch(() => {});
    // @ts-expect-error delete needs a key
    await caller.files.delete({}).catch(() => {});
    expectTypeOf<AppRouter['upload']['requestUrl']>().not.toBeAny();
  });
});

describe('the route table in the contract', () => {
  it('names the routes as a literal union; an unknown route does not compile', async () => {
    expectTypeOf<RouteName>().toEqualTypeOf<'default' | 'image' | 'document' | 'avatar' | 'photo'>();
    const { caller } = setup();
    // @ts-expect-error "avatars" is not a route
    await caller.upload.requestUrl({ fileName: 'a.png', contentType: 'image/png', size: 1, route: 'avatars' }).catch(() => {});
    // @ts-expect-error nor on multipart.start
    await caller.upload.multipart.start({ fileName: 'a.mp4', contentType: 'video/mp4', size: 1, route: 'video' }).catch(() => {});
    // @ts-expect-error RouteData takes route names only
    type _Unknown = RouteData<'banner'>;
  });

  it("answers complete with each route's onUploadComplete return type, narrowed by route", () => {
    expectTypeOf<RouteData<'avatar'>>().toEqualTypeOf<{ avatarKey: string }>();
    expectTypeOf<RouteData<'document'>>().toEqualTypeOf<{ title: string; uploadedBy: string }>();
    expectTypeOf<RouteData<'photo'>>().toEqualTypeOf<null>();
    expectTypeOf<RouteData<'default'>>().toEqualTypeOf<null>();
    const done = {} as RouterOutputs['upload']['complete'];
    if (done.route === 'avatar') expectTypeOf(done.data).toEqualTypeOf<{ avatarKey: string }>();
    if (done.route === 'document') expectTypeOf(done.data).toEqualTypeOf<{ title: string; uploadedBy: string }>();
    // @ts-expect-error without narrowing, data may be any route's
    void done.data.avatarKey;
  });

  it("shows the client each route's rules, its types as literals", () => {
    type Routes = RouterOutputs['upload']['routes']['routes'];
    expectTypeOf<keyof Routes>().toEqualTypeOf<RouteName>();
    expectTypeOf<Routes['avatar']['allowedTypes']>().toEqualTypeOf<Array<'image/jpeg' | 'image/png' | 'image/webp'>>();
    expectTypeOf<Routes['document']['allowedTypes']>().toEqualTypeOf<Array<'application/pdf'>>();
    expectTypeOf<RouteTypes<'image'>>().toEqualTypeOf<'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif' | 'image/avif' | 'image/heic'>();
    expectTypeOf<RouteTypes<'default'>>().toEqualTypeOf<string>();
    expectTypeOf<Routes['avatar']['maxFiles']>().toEqualTypeOf<number | null>();
    expectTypeOf<Routes['photo']['image']>().toEqualTypeOf<{
      maxEdge: number;
      format?: 'image/jpeg' | 'image/png' | 'image/webp';
      quality?: number;
      stripMetadata?: boolean;
    } | null>();
    expectTypeOf<Routes['avatar']['name']>().toEqualTypeOf<'avatar'>();
  });
});
