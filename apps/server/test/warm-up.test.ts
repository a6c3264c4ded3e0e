import { listKeys } from '@app/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp } from '../src/warm-up';
import { startTestApp } from './harness';

describe('the warm-up before listening', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  const logged: Array<{ level: number; msg: string }> = [];
  beforeAll(async () => {
    const stream = { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) };
    t = await startTestApp({ logger: { level: 'debug', stream } });
  });
  afterAll(() => t?.close());

  it('takes the first-call paths against the real store and leaves the bucket as it was', async () => {
    const before = await listKeys(t.admin, t.bucket);
    await warmUp(t.app, t.deps.storage);
    expect(logged.map((l) => l.msg)).toContain('warmed up');
    expect(await listKeys(t.admin, t.bucket)).toEqual(before);
  });

  it('never holds the start: a store that fails is logged as a warning', async () => {
    const failing = { ...t.deps.storage, scanUsage: () => Promise.reject(new Error('store down')) };
    await warmUp(t.app, failing);
    expect(logged.find((l) => l.msg.startsWith('warm-up failed'))).toMatchObject({ level: 40 });
  });
});
