import type { FileEventData } from '@app/api';

export type FileEventType = 'file.uploaded' | 'file.deleted';

/** An event as persisted and sent: Standard Webhooks' envelope plus its stable id (`webhook-id`). */
export interface StoredEvent {
  id: string;
  type: FileEventType;
  /** When it happened (ISO 8601); the same in every attempt. */
  timestamp: string;
  data: FileEventData;
}

/** An event this instance holds a lease on, for one delivery attempt. */
export interface Claim {
  event: StoredEvent;
  /** 1 for the first delivery; an attempt whose instance died counts too. */
  attempt: number;
  /** Identifies this claim: an instance whose lease ran out cannot reschedule a newer one. */
  token: string;
}

/**
 * Where pending events wait until delivered (Redis or the bucket): they outlive the process, and
 * every instance sharing the outbox sees the same ones. A claim leases an event for `leaseMs`, so two
 * instances never make the same attempt at once, and an instance that dies frees it when the lease ends.
 */
export interface Outbox {
  /** Stores the event if no event with its id is pending; resolves once it is persisted. */
  add(event: StoredEvent): Promise<void>;
  claim(now: number, leaseMs: number, limit: number): Promise<Claim[]>;
  delivered(claim: Claim): Promise<void>;
  /** The attempt failed: due again at `nextAt`. */
  failed(claim: Claim, nextAt: number, error: string): Promise<void>;
  /** The last attempt failed: moved aside with its error (see the README), never sent again. */
  giveUp(claim: Claim, error: string): Promise<void>;
  close(): Promise<void>;
}
