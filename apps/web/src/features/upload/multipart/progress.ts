export interface MultipartProgress {
  /** Bytes shown: acknowledged parts plus bytes in flight, never lower than before. */
  loaded: number;
  total: number;
  /** Bytes per second, smoothed. */
  speed: number;
  /** Seconds left at that speed; null until known. */
  secondsLeft: number | null;
  partsDone: number;
  partCount: number;
}

/**
 * Honest progress: counts acknowledged bytes and bytes in flight; a retried part's bytes drop out of
 * "in flight", but what is shown never goes backwards.
 */
export class ProgressMeter {
  private shown = 0;
  private speed = 0;
  private lastAt: number | null = null;
  private lastBytes = 0;

  constructor(
    private readonly total: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(acknowledged: number, inFlight: number, partsDone: number, partCount: number): MultipartProgress {
    const t = this.now();
    this.shown = Math.min(this.total, Math.max(this.shown, acknowledged + inFlight));
    if (this.lastAt === null) {
      this.lastAt = t;
      this.lastBytes = this.shown;
    } else if (t - this.lastAt >= 250) {
      const sample = ((this.shown - this.lastBytes) * 1000) / (t - this.lastAt);
      this.speed = this.speed === 0 ? sample : 0.7 * this.speed + 0.3 * sample;
      this.lastAt = t;
      this.lastBytes = this.shown;
    }
    const secondsLeft = this.speed > 0 ? (this.total - this.shown) / this.speed : null;
    return { loaded: this.shown, total: this.total, speed: this.speed, secondsLeft, partsDone, partCount };
  }
}
