import { retryDelayMs, shouldRetry, type RetryPolicy } from './backoff';
import type { Delivery } from './deliver';
import type { Claim, Outbox, StoredEvent } from './types';

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  outbox: Outbox;
  deliver: (event: StoredEvent) => Promise<Delivery>;
  retry: RetryPolicy;
  /** How often the outbox is asked for due events (an emit on this instance asks at once). */
  pollMs: number;
  /** How long a claim holds an event; longer than a delivery can take. */
  leaseMs: number;
  /** Events delivered at once per round. */
  batch: number;
  log: Log;
}

/**
 * Delivers due events from the outbox, one round at a time: claim (a lease), send, then report the
 * result, so the outbox alone knows what is pending. Holds nothing of its own: a new instance
 * continues where a stopped (or dead) one left off.
 */
export function createDispatcher({ outbox, deliver, retry, pollMs, leaseMs, batch, log }: DispatcherOptions) {
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  async function settle(claim: Claim) {
    const result = await deliver(claim.event);
    if (result.ok) return outbox.delivered(claim);
    const context = { id: claim.event.id, type: claim.event.type, key: claim.event.data.key, attempt: claim.attempt, error: result.error };
    if (!shouldRetry(claim.attempt, retry)) {
      log.error(context, `webhook given up after ${claim.attempt} attempts; kept with the failed events`);
      return outbox.giveUp(claim, result.error);
    }
    const delayMs = retryDelayMs(claim.attempt, retry);
    log.warn({ ...context, retryInMs: delayMs }, 'webhook delivery failed; will retry');
    return outbox.failed(claim, Date.now() + delayMs, result.error);
  }

  async function runRound() {
    do {
      again = false;
      const claims = await outbox.claim(Date.now(), leaseMs, batch);
      await Promise.all(
        claims.map((claim) =>
          settle(claim).catch((error: unknown) => log.warn({ err: error, id: claim.event.id }, 'webhook outbox did not answer; the lease will free the event')),
        ),
      );
      // A full batch means more may be due.
      if (claims.length === batch) again = true;
    } while (again && !stopped);
  }

  function tick() {
    if (stopped) return;
    if (round) {
      again = true;
      return;
    }
    round = runRound()
      .catch((error: unknown) => log.warn({ err: error }, 'webhook outbox did not answer; will retry'))
      .finally(() => (round = undefined));
  }

  return {
    start() {
      stopped = false;
      timer = setInterval(tick, pollMs).unref();
      tick();
    },
    /** An event was just added: deliver it without waiting for the next poll. */
    wake: tick,
    /** Ends polling and waits for the round in flight (its deliveries end within their timeout). */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await round;
    },
  };
}
