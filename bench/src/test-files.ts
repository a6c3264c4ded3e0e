import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MiB = 1024 * 1024;

/** An ISO BMFF `ftyp` box, so the file is recognisably video/mp4 to a content sniffer. */
const FTYP = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom', 'ascii'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'ascii')]);

/**
 * Real files on disk: Chromium cannot hold a generated 256 MiB Blob (ERR_BLOB_OUT_OF_MEMORY), and
 * `setInputFiles(path)` hands a local browser the path, not the bytes. Random content, so nothing
 * on the way can compress it.
 */
export class TestFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'typed-s3-bench-files-'));
  private readonly made = new Map<string, string>();

  /** `bench-16m.mp4` etc.; written once per run. */
  get(sizeMiB: number): { path: string; name: string; size: number } {
    const name = `bench-${sizeMiB}m.mp4`;
    const size = sizeMiB * MiB;
    let path = this.made.get(name);
    if (!path) {
      path = join(this.dir, name);
      writeRandomFile(path, size);
      this.made.set(name, path);
    }
    return { path, name, size };
  }

  /** `count` distinct files of `size` bytes (`bench-batch-01.mp4` ...): a batch of photos. */
  batch(count: number, size: number): Array<{ path: string; name: string; size: number }> {
    return Array.from({ length: count }, (_, i) => {
      const name = `bench-batch-${String(i + 1).padStart(2, '0')}.mp4`;
      let path = this.made.get(name);
      if (!path) {
        path = join(this.dir, name);
        writeRandomFile(path, size);
        this.made.set(name, path);
      }
      return { path, name, size };
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeRandomFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = Buffer.alloc(Math.min(size, 8 * MiB));
    let written = 0;
    while (written < size) {
      const n = Math.min(chunk.length, size - written);
      randomFillSync(chunk, 0, n);
      if (written === 0) FTYP.copy(chunk, 0, 0, Math.min(FTYP.length, n));
      writeSync(fd, chunk, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}
