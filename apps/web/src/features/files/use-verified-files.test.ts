import { describe, expect, it } from 'vitest';
import type { StoredFile } from './files-api';
import { withVerified } from './use-verified-files';

const file = (key: string): StoredFile => ({
  key,
  name: `${key}.png`,
  size: 1,
  contentType: 'image/png',
  uploadedAt: '2026-12-02T00:00:00.000Z',
  route: 'default',
  url: `https://s3.test/${key}`,
});
const keys = (data: ReturnType<typeof withVerified>) => data.pages.map((page) => page.files.map((f) => f.key));

describe('withVerified', () => {
  // Keys as the server lists them: ascending, so within a route the newest (smallest id) first.
  const data = {
    pages: [
      { files: [file('u/avatar/5'), file('u/default/3'), file('u/default/6')], nextCursor: 'c1' },
      { files: [file('u/default/8')], nextCursor: null },
    ],
    pageParams: [null, 'c1'],
  };

  it('puts newly verified files where the listing will, in whatever order they were verified', () => {
    expect(keys(withVerified(data, [file('u/default/2'), file('u/default/1'), file('u/avatar/4')]))).toEqual([
      ['u/avatar/4', 'u/avatar/5', 'u/default/1', 'u/default/2', 'u/default/3', 'u/default/6'],
      ['u/default/8'],
    ]);
  });

  it('puts a file past a page on the next loaded page, and past the last one at its end', () => {
    expect(keys(withVerified(data, [file('u/default/7'), file('u/photo/1')]))).toEqual([
      ['u/avatar/5', 'u/default/3', 'u/default/6'],
      ['u/default/7', 'u/default/8', 'u/photo/1'],
    ]);
  });

  it('leaves out a file a page already lists, and answers the same data when nothing is new', () => {
    expect(keys(withVerified(data, [file('u/default/8'), file('u/default/0')]))).toEqual([['u/avatar/5', 'u/default/0', 'u/default/3', 'u/default/6'], ['u/default/8']]);
    expect(withVerified(data, [file('u/default/3')])).toBe(data);
  });

  it('fills an empty list', () => {
    const empty = { pages: [{ files: [], nextCursor: null }], pageParams: [null] };
    expect(keys(withVerified(empty, [file('u/default/2'), file('u/default/1')]))).toEqual([['u/default/1', 'u/default/2']]);
  });
});
