import { afterEach, describe, expect, it, vi } from 'vitest';
import { paceRenders, statusKey } from './use-upload-queue';

/** A store that can be changed by hand, and a frame clock to run by hand. */
function setUp({ hidden = false } = {}) {
  const listeners = new Set<() => void>();
  const change = () => listeners.forEach((l) => l());
  const subscribe = (l: () => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  let frames = new Map<number, FrameRequestCallback>();
  let next = 1;
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => (frames.set(next, cb), next++));
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
  vi.stubGlobal('document', { hidden });
  const paint = () => {
    const due = frames;
    frames = new Map();
    due.forEach((cb) => cb(0));
  };
  return { change, subscribe, paint, listeners, pendingFrames: () => frames.size };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('paceRenders', () => {
  it('passes any number of changes within a frame on once, when the frame comes', () => {
    const { change, subscribe, paint, pendingFrames } = setUp();
    const listener = vi.fn();
    paceRenders(subscribe).subscribe(listener);
    for (let i = 0; i < 100; i++) change();
    expect(listener).not.toHaveBeenCalled();
    expect(pendingFrames()).toBe(1);
    paint();
    expect(listener).toHaveBeenCalledTimes(1);
    change();
    paint();
    expect(listener).toHaveBeenCalledTimes(2);
    paint(); // a frame without a change passes nothing on
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('stops listening and drops the frame it asked for on unsubscribe', () => {
    const { change, subscribe, paint, listeners, pendingFrames } = setUp();
    const listener = vi.fn();
    const unsubscribe = paceRenders(subscribe).subscribe(listener);
    change();
    unsubscribe();
    expect(pendingFrames()).toBe(0);
    expect(listeners.size).toBe(0);
    paint();
    change();
    expect(listener).not.toHaveBeenCalled();
  });

  it('passes a pending change on at once on flush, and nothing when none is pending', () => {
    const { change, subscribe, paint, pendingFrames } = setUp();
    const listener = vi.fn();
    const store = paceRenders(subscribe);
    store.subscribe(listener);
    store.flush();
    expect(listener).not.toHaveBeenCalled();
    change();
    store.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(pendingFrames()).toBe(0);
    paint();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('uses a timer on a hidden page, which paints no frames', () => {
    vi.useFakeTimers();
    const { change, subscribe, pendingFrames } = setUp({ hidden: true });
    const listener = vi.fn();
    paceRenders(subscribe).subscribe(listener);
    change();
    change();
    expect(pendingFrames()).toBe(0);
    vi.runAllTimers();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('holds changes that are not urgent until the gap since the last render is over, then renders on a frame', () => {
    vi.useFakeTimers();
    const { change, subscribe, paint, pendingFrames } = setUp();
    const listener = vi.fn();
    paceRenders(subscribe, { gapMs: 80 }).subscribe(listener);
    change(); // the first change has no render before it to wait for
    paint();
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30);
    change();
    change();
    expect(pendingFrames()).toBe(0);
    vi.advanceTimersByTime(49);
    expect(pendingFrames()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(pendingFrames()).toBe(1);
    paint();
    expect(listener).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(200);
    change(); // long after the last render: the next frame
    expect(pendingFrames()).toBe(1);
  });

  it('renders an urgent change on the next frame, taking a paced render that waits out its gap along', () => {
    vi.useFakeTimers();
    const { change, subscribe, paint, pendingFrames } = setUp();
    let status = 'uploading';
    const listener = vi.fn();
    paceRenders(subscribe, { gapMs: 80, urgentKey: () => status }).subscribe(listener);
    change();
    paint();
    vi.advanceTimersByTime(10);
    status = 'verifying';
    change(); // right after a render: the next frame all the same
    expect(pendingFrames()).toBe(1);
    paint();
    expect(listener).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10);
    change(); // progress: waits out the gap
    expect(pendingFrames()).toBe(0);
    status = 'done';
    change(); // pulls that render forward to the next frame
    expect(pendingFrames()).toBe(1);
    paint();
    expect(listener).toHaveBeenCalledTimes(3);
    change(); // progress again, and an urgent change while a frame is already asked for
    vi.advanceTimersByTime(80);
    expect(pendingFrames()).toBe(1);
    status = 'queued';
    change();
    expect(pendingFrames()).toBe(1);
    paint();
    expect(listener).toHaveBeenCalledTimes(4);
    vi.runAllTimers();
    paint();
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it('counts any file added, removed or changing status as urgent, and progress as not', () => {
    const a = { status: 'uploading', sent: 10 };
    const b = { status: 'queued', sent: 0 };
    const key = statusKey({ items: [a, b] });
    expect(statusKey({ items: [{ ...a, sent: 20 }, b] })).toBe(key);
    expect(statusKey({ items: [{ ...a, status: 'verifying' }, b] })).not.toBe(key);
    expect(statusKey({ items: [a] })).not.toBe(key);
    expect(statusKey({ items: [a, b, { status: 'queued' }] })).not.toBe(key);
  });

  it('flushes a render that waits out the gap', () => {
    vi.useFakeTimers();
    const { change, subscribe, paint } = setUp();
    const listener = vi.fn();
    const store = paceRenders(subscribe, { gapMs: 80 });
    store.subscribe(listener);
    change();
    paint();
    change();
    store.flush();
    expect(listener).toHaveBeenCalledTimes(2);
    vi.runAllTimers();
    paint();
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
