import { describe, expect, it } from 'vitest';
import { harness, png } from './client.fixture';
import { SpeedMeter } from './meter';

describe('progress, speed and time left', () => {
  it('per file: bytes sent, speed once measured, and the time left at that speed', async () => {
    const h = harness();
    h.client.add([png('a.png', 1000)]);
    await h.flush();
    const item = () => h.client.getSnapshot().items[0]!;
    h.sends[0]!.progress(0);
    expect(item()).toMatchObject({ loaded: 0, speed: 0, secondsLeft: null });
    h.tick(500);
    h.sends[0]!.progress(250);
    expect(item()).toMatchObject({ loaded: 250, speed: 500, secondsLeft: 1.5 });
  });

  it('for the batch: bytes done of the total, files done of the total, speed and time left; refused and cancelled files left out', async () => {
    const h = harness({ concurrency: 2 });
    const [, , third] = h.client.add([png('a.png', 1000), png('b.png', 3000), png('c.png', 6000), new File(['x'], 'x.html', { type: 'text/html' })]);
    await h.flush();
    h.client.cancel(third!);
    const batch = () => h.client.getSnapshot().batch;
    expect(batch()).toMatchObject({ bytesDone: 0, bytesTotal: 4000, done: 0, total: 2, active: 2, speed: 0, secondsLeft: null });

    h.sends[0]!.progress(1000);
    h.sends[1]!.progress(1000);
    // Measured when the next change comes, a second later: 2000 bytes in one second.
    h.tick(1000);
    h.sends[0]!.done.resolve();
    await h.flush();
    expect(batch()).toMatchObject({ bytesDone: 2000, bytesTotal: 4000, done: 1, total: 2, active: 1, speed: 2000, secondsLeft: 1 });

    h.tick(1000);
    h.sends[1]!.done.resolve();
    await h.flush();
    expect(batch()).toMatchObject({ bytesDone: 4000, bytesTotal: 4000, done: 2, total: 2, active: 0, speed: 0, secondsLeft: 0 });
  });

  it('starts a new batch once every file of the last one has settled', async () => {
    const h = harness();
    h.client.add([png('a.png', 100)]);
    await h.flush();
    h.sends[0]!.done.resolve();
    await h.flush();
    h.client.add([png('b.png', 300)]);
    expect(h.client.getSnapshot().batch).toMatchObject({ bytesDone: 0, bytesTotal: 300, done: 0, total: 1 });
  });

  it('a file added while the batch runs joins it; a failed file counts as failed, not done', async () => {
    const h = harness({ attempts: 1 });
    h.client.add([png('a.png', 100)]);
    await h.flush();
    h.client.add([png('b.png', 300)]);
    await h.flush();
    h.sends[0]!.done.reject(new Error('refused'));
    await h.flush();
    expect(h.client.getSnapshot().batch).toMatchObject({ bytesTotal: 400, total: 2, failed: 1, done: 0, active: 1 });
  });
});

describe('the speed meter', () => {
  it('smooths samples taken at least 250 ms apart and never shows fewer bytes than before', () => {
    let t = 0;
    const meter = new SpeedMeter(10_000, () => t);
    meter.update(0);
    t = 100;
    expect(meter.update(5000).speed).toBe(0);
    t = 1000;
    expect(meter.update(1000)).toMatchObject({ loaded: 5000, speed: 5000, secondsLeft: 1 });
    t = 2000;
    expect(meter.update(6000).speed).toBe(0.7 * 5000 + 0.3 * 1000);
  });

  it('may go back when asked (a batch whose file starts over), and measures from there', () => {
    let t = 0;
    const meter = new SpeedMeter(1000, () => t);
    meter.update(500);
    t = 1000;
    expect(meter.update(200, { monotonic: false })).toMatchObject({ loaded: 200, speed: 0 });
    t = 2000;
    expect(meter.update(400, { monotonic: false }).speed).toBe(200);
  });
});
