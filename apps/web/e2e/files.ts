import { makePng } from '@app/test-utils';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

/**
 * Writes a real file on disk: a small PNG followed by random bytes, `size` in all. Browser tests
 * pick it with a file input, so Chromium slices the user's File (never a generated Blob).
 */
export function writeBigPng(path: string, size: number): string {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  const head = makePng(16, 16);
  writeSync(fd, head);
  hash.update(head);
  const chunk = randomBytes(8 * 1024 * 1024);
  for (let written = head.length; written < size;) {
    const piece = chunk.subarray(0, Math.min(chunk.length, size - written));
    writeSync(fd, piece);
    hash.update(piece);
    written += piece.length;
  }
  closeSync(fd);
  return hash.digest('hex');
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const sha256File = (path: string) => sha256(readFileSync(path));
