import { describe, expect, it } from 'vitest';
import { batchFigures, speedOf } from './batch-figures';
import type { UploadItem } from './upload-item';

const item = (status: UploadItem['status'], size: number, loaded: number): UploadItem => {
  const file = new File([new Uint8Array(size)], 'f.png', { type: 'image/png' });
  return { id: crypto.randomUUID(), file, original: file, status, loaded, speed: 0, secondsLeft: null };
};

describe('batchFigures', () => {
  it('adds up the batch, leaving out refused and cancelled files', () => {
    const figures = batchFigures([item('done', 100, 100), item('uploading', 200, 50), item('refused', 999, 0), item('cancelled', 300, 10), item('failed', 50, 20)], 25);
    expect(figures).toEqual({ bytesDone: 170, bytesTotal: 350, speed: 25, secondsLeft: 180 / 25, done: 1, total: 3, active: 1 });
  });

  it('counts a done file whole even if its last progress event was short, and has no speed when idle', () => {
    expect(batchFigures([item('done', 100, 40)], 500)).toMatchObject({ bytesDone: 100, bytesTotal: 100, speed: 0, secondsLeft: null });
  });
});

describe('speedOf', () => {
  it('is the slope over the window in bytes a second', () => {
    expect(
      speedOf([
        [1000, 0],
        [1500, 250],
        [3000, 2000],
      ]),
    ).toBe(1000);
    expect(speedOf([[1000, 5]])).toBe(0);
    expect(speedOf([])).toBe(0);
  });
});
