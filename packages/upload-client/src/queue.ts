/**
 * Runs at most `concurrency` jobs at once, first in first out. A job holds its slot until its
 * promise settles; a job still waiting can be taken out.
 */
export class Queue {
  private readonly waiting: Array<{ id: string; run: () => Promise<unknown> }> = [];
  private readonly running = new Set<string>();

  constructor(private concurrency: number) {
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);
  }

  push(id: string, run: () => Promise<unknown>): void {
    this.waiting.push({ id, run });
    this.pump();
  }

  /** Takes a job out before it starts; false once it runs (or was never queued). */
  remove(id: string): boolean {
    const index = this.waiting.findIndex((job) => job.id === id);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  setConcurrency(concurrency: number): void {
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);
    this.concurrency = concurrency;
    this.pump();
  }

  isWaiting(id: string): boolean {
    return this.waiting.some((job) => job.id === id);
  }

  get active(): number {
    return this.running.size;
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running.add(job.id);
      void Promise.resolve()
        .then(job.run)
        .catch(() => {})
        .finally(() => {
          this.running.delete(job.id);
          this.pump();
        });
    }
  }
}
