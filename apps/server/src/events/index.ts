import type { S3Client } from '@aws-sdk/client-s3';
import type { UploadEvents } from '@app/api';
import { createHash } from 'node:crypto';
import { createS3JsonObjects } from '../storage/s3-json-objects';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { createDeliverer } from './deliver';
import { createDispatcher, type DispatcherOptions } from './dispatcher';
import { createBucketOutbox } from './outbox-bucket';
import type { FileEventType, Outbox } from './types';

/** Where events go, how they are signed, and how they are retried (tests shorten the waits). */
export interface EventsConfig {
  url: string;
  /** Standard Webhooks secret: `whsec_` + base64 of 24-64 random bytes. */
  secret: string;
  retry?: RetryPolicy;
  pollMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
}

export interface EventsService extends UploadEvents {
  /** Starts delivering (the app does, once built). */
  start(log: DispatcherOptions['log']): void;
  /** Stops delivering, waits for the attempts in flight, closes the outbox. */
  close(): Promise<void>;
}

/**
 * The same file and event type always get the same id: an event emitted again (a repeated
 * `complete`) is the same message to the receiver, which keeps the first it saw.
 */
export function eventId(type: FileEventType, key: string): string {
  return `msg_${createHash('sha256').update(`${type}\n${key}`).digest('hex').slice(0, 32)}`;
}

async function redisOutbox(redisUrl: string): Promise<Outbox> {
  const [{ Redis }, { createRedisOutbox }] = await Promise.all([import('ioredis'), import('./outbox-redis')]);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 });
  redis.on('error', () => {}); // each failed call is reported where it is made
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot connect (${(error as Error).message})`, { cause: error });
  }
  return createRedisOutbox(redis);
}

/**
 * Completion events: persisted in an outbox (Redis with `redisUrl`, else the bucket), then delivered
 * to the receiver by a dispatcher on every instance, signed and retried with backoff.
 */
export async function createUploadEvents(config: EventsConfig, store: { redisUrl: string | undefined; client: S3Client; bucket: string }): Promise<EventsService> {
  const outbox = store.redisUrl ? await redisOutbox(store.redisUrl) : createBucketOutbox(createS3JsonObjects(store.client, store.bucket));
  const timeoutMs = config.timeoutMs ?? 10_000;
  const deliver = createDeliverer({ url: config.url, secret: config.secret, timeoutMs });
  let dispatcher: ReturnType<typeof createDispatcher> | undefined;
  return {
    async emit(type, data) {
      await outbox.add({ id: eventId(type, data.key), type, timestamp: new Date().toISOString(), data });
      dispatcher?.wake();
    },
    start(log) {
      dispatcher = createDispatcher({
        outbox,
        deliver,
        log,
        retry: config.retry ?? DEFAULT_RETRY,
        // The bucket is polled less often: every round is a LIST request.
        pollMs: config.pollMs ?? (store.redisUrl ? 1000 : 5000),
        leaseMs: config.leaseMs ?? Math.max(60_000, 2 * timeoutMs),
        batch: 16,
      });
      dispatcher.start();
    },
    async close() {
      await dispatcher?.stop();
      await outbox.close();
    },
  };
}
