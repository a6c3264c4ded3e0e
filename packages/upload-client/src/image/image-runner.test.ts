import { describe, expect, it } from 'vitest';
import type { ImageJob, ImageResult } from './image-protocol';
import { createImageRunner, type ImageWorker } from './image-runner';

class FakeWorker implements ImageWorker {
  static started: FakeWorker[] = [];
  onmessage: ImageWorker['onmessage'] = null;
  onerror: ImageWorker['onerror'] = null;
  jobs: ImageJob[] = [];
  terminated = false;
  constructor() {
    FakeWorker.started.push(this);
  }
  postMessage(job: ImageJob) {
    this.jobs.push(job);
  }
  terminate() {
    this.terminated = true;
  }
  answer(result: ImageResult) {
    this.onmessage?.({ data: result } as MessageEvent<ImageResult>);
  }
  crash(message: string) {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

const job = { file: new Blob(['x']), maxEdge: 10, type: 'image/jpeg', quality: 0.8, always: true };

describe('the image runner', () => {
  it('starts no worker before the first image, then one for all, answering each job by its id', async () => {
    FakeWorker.started = [];
    const runner = createImageRunner(() => new FakeWorker());
    expect(FakeWorker.started).toHaveLength(0);
    const first = runner.run(job);
    const second = runner.run(job);
    const [worker] = FakeWorker.started;
    expect(FakeWorker.started).toHaveLength(1);
    const [a, b] = worker!.jobs;
    worker!.answer({ id: b!.id, ok: false, code: 'DECODE_FAILED', message: 'bad' });
    worker!.answer({ id: a!.id, ok: true, blob: null, width: 1, height: 1 });
    await expect(first).resolves.toMatchObject({ ok: true });
    await expect(second).resolves.toMatchObject({ ok: false, code: 'DECODE_FAILED' });
  });

  it('fails the jobs of a crashed worker with what to do, and starts a new one next time', async () => {
    FakeWorker.started = [];
    const runner = createImageRunner(() => new FakeWorker());
    const pending = runner.run(job);
    FakeWorker.started[0]!.crash('out of memory');
    await expect(pending).rejects.toMatchObject({
      name: 'ImageProcessingError',
      code: 'WORKER_FAILED',
      message: expect.stringMatching(/image worker failed \(out of memory\)\. Reload the page/),
    });
    expect(FakeWorker.started[0]!.terminated).toBe(true);
    void runner.run(job);
    expect(FakeWorker.started).toHaveLength(2);
  });
});
