import { describe, expect, it } from 'vitest';
import { backoffMs } from '../backoff';
import { ProgressMeter } from './progress';

describe('progress of a multipart upload', () => {
  it('never goes backwards when a part in flight fails and is retried', () => {
    let t = 0;
    const meter = new ProgressMeter(100, () => t);
    expect(meter.update(0, 30, 0, 4).loaded).toBe(30);
    t = 300;
    // The part in flight failed: its 30 bytes are no longer counted, but what is shown stays.
    expect(meter.update(0, 0, 0, 4).loaded).toBe(30);
    t = 600;
    expect(meter.update(25, 20, 1, 4).loaded).toBe(45);
    expect(meter.update(100, 0, 4, 4).loaded).toBe(100);
  });

  it('reports speed and time left once it has two samples', () => {
    let t = 0;
    const meter = new ProgressMeter(1000, () => t);
    expect(meter.update(0, 0, 0, 2)).toMatchObject({ speed: 0, secondsLeft: null });
    t = 500;
    const p = meter.update(0, 100, 0, 2);
    expect(p.speed).toBe(200);
    expect(p.secondsLeft).toBe(4.5);
  });
});

describe('retry backoff', () => {
  it('grows exponentially, with jitter in the upper half, capped at 20 s', () => {
    expect(backoffMs(0, () => 0)).toBe(250);
    expect(backoffMs(0, () => 1)).toBe(500);
    expect(backoffMs(3, () => 0)).toBe(2000);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(20, () => 1)).toBe(20_000);
  });
});
