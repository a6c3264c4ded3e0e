export interface Reading {
  /** Bytes shown: never lower than before. */
  loaded: number;
  /** Bytes per second, smoothed. */
  speed: number;
  /** Seconds left at that speed; null until known. */
  secondsLeft: number | null;
}

/**
 * Speed and time left of a byte count that grows: samples at most every 250 ms, smoothed, so one
 * burst of progress events does not make the figures jump. What is shown never goes backwards (a
 * retried request's bytes drop out, the bar stays).
 */
export class SpeedMeter {
  private shown = 0;
  private speed = 0;
  private lastAt: number | null = null;
  private lastBytes = 0;

  constructor(
    private total: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A batch grows as files are added (and shrinks as some are cancelled). */
  setTotal(total: number) {
    this.total = total;
  }

  /** Starts over (a file sent again from the start, a new batch). */
  reset(total = this.total) {
    this.total = total;
    this.shown = 0;
    this.speed = 0;
    this.lastAt = null;
    this.lastBytes = 0;
  }

  update(bytes: number, { monotonic = true } = {}): Reading {
    const t = this.now();
    const capped = Math.min(this.total, bytes);
    this.shown = monotonic ? Math.max(this.shown, capped) : capped;
    if (this.lastAt === null || this.shown < this.lastBytes) {
      this.lastAt = t;
      this.lastBytes = this.shown;
    } else if (t - this.lastAt >= 250) {
      const sample = ((this.shown - this.lastBytes) * 1000) / (t - this.lastAt);
      this.speed = this.speed === 0 ? sample : 0.7 * this.speed + 0.3 * sample;
      this.lastAt = t;
      this.lastBytes = this.shown;
    }
    const left = Math.max(0, this.total - this.shown);
    const secondsLeft = left === 0 ? 0 : this.speed > 0 ? left / this.speed : null;
    return { loaded: this.shown, speed: this.speed, secondsLeft };
  }
}
