import { describe, expect, it } from 'vitest';
import { deferred } from './client.fixture';
import { Queue } from './queue';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the queue', () => {
  it('runs at most its concurrency at once, first in first out, and a failed job frees its slot too', async () => {
    const queue = new Queue(2);
    const started: string[] = [];
    const jobs = new Map(['a', 'b', 'c', 'd'].map((id) => [id, deferred()]));
    for (const [id, job] of jobs) queue.push(id, () => (started.push(id), job.promise));
    await flush();
    expect(started).toEqual(['a', 'b']);
    jobs.get('b')!.reject(new Error('boom'));
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(queue.active).toBe(2);
  });

  it('takes out a job that has not started, and not one that runs', async () => {
    const queue = new Queue(1);
    const started: string[] = [];
    queue.push('a', () => (started.push('a'), new Promise(() => {})));
    queue.push('b', async () => void started.push('b'));
    await flush();
    expect(queue.remove('a')).toBe(false);
    expect(queue.isWaiting('b')).toBe(true);
    expect(queue.remove('b')).toBe(true);
    expect(queue.isWaiting('b')).toBe(false);
  });

  it('refuses a concurrency below one, with the value it got', () => {
    expect(() => new Queue(0)).toThrow('concurrency must be at least 1, got 0');
    expect(() => new Queue(2).setConcurrency(Number.NaN)).toThrow('concurrency must be at least 1, got NaN');
  });
});
