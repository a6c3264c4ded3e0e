import { describe, expectTypeOf, it } from 'vitest';
import type { AppRouter, RouterInputs, RouterOutputs } from './index';
import { setup } from './test/caller';

describe('the upload contract', () => {
  it('takes a file description, with PUT or POST', () => {
    expectTypeOf<RouterInputs['upload']['requestUrl']>().toEqualTypeOf<{
      fileName: string;
      contentType: string;
      size: number;
      method?: 'PUT' | 'POST' | undefined;
    }>();
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
    expectTypeOf<RouterOutputs['upload']['complete']>().toEqualTypeOf<{
      key: string;
      size: number;
      contentType: string;
      url: string;
    }>();
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
