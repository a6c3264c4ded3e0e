import { SpeedMeter } from '../meter';

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
  private readonly meter: SpeedMeter;

  constructor(
    private readonly total: number,
    now?: () => number,
  ) {
    this.meter = new SpeedMeter(total, now);
  }

  update(acknowledged: number, inFlight: number, partsDone: number, partCount: number): MultipartProgress {
    return { ...this.meter.update(acknowledged + inFlight), total: this.total, partsDone, partCount };
  }
}
