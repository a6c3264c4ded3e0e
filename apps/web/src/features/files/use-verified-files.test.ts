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
  const data = {
    pages: [
      { files: [file('b'), file('a')], nextCursor: 'c1' },
      { files: [file('z')], nextCursor: null },
    ],
    pageParams: [null, 'c1'],
  };

  it('puts newly verified files on top of the first page, the last one verified first', () => {
    expect(keys(withVerified(data, [file('c'), file('d')]))).toEqual([['d', 'c', 'b', 'a'], ['z']]);
  });

  it('leaves out a file a page already lists, and answers the same data when nothing is new', () => {
    expect(keys(withVerified(data, [file('z'), file('e')]))).toEqual([['e', 'b', 'a'], ['z']]);
    expect(withVerified(data, [file('a')])).toBe(data);
  });
});
