import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { adminClient, createTestBucket, ensureLocalS3, getBytes, listKeys, makePng, startRedis } from '@app/test-utils';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, type EventsConfig } from '../src/events';
import { createBucketOutbox } from '../src/events/outbox-bucket';
import { createRedisOutbox } from '../src/events/outbox-redis';
import { createS3JsonObjects } from '../src/storage/s3-json-objects';
import { setupBucket } from '../src/storage/bucket-setup';
import { mutate, signToken, startTestApp } from './harness';
import { startReceiver, until } from './webhook-receiver';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
// Short waits, so retries happen within the test; the schedule itself has unit tests (backoff.test.ts).
const fast = (url: string, retry: Partial<NonNullable<EventsConfig['retry']>> = {}): EventsConfig => ({
  url,
  secret,
  retry: { baseMs: 1000, capMs: 2000, maxAttempts: 6, ...retry },
  pollMs: 50,
  timeoutMs: 2000,
});

type App = Awaited<ReturnType<typeof startTestApp>>;

async function upload(t: App, token: string, fileName: string) {
  const body = Buffer.concat([makePng(4, 4), randomBytes(1000)]);
  const target = await mutate(t.app, 'upload.requestUrl', { fileName, contentType: 'image/png', size: body.length }, token);
  expect((await fetch(target.data.url, { method: 'PUT', headers: target.data.headers, body })).status).toBe(200);
  const done = await mutate(t.app, 'upload.complete', { key: target.data.key }, token);
  expect(done.status, JSON.stringify(done.error)).toBe(200);
  return done.data as { key: string; size: number; contentType: string };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each([{ outbox: 'bucket' }, { outbox: 'Redis' }])('completion events, outbox in $outbox', ({ outbox }) => {
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let redisClient: Redis | undefined;
  let admin: ReturnType<typeof adminClient>;
  let bucket: string;
  let drop: () => Promise<void>;
  let token: string;
  const start = (webhook: EventsConfig) => startTestApp({ bucket, redisUrl: redis?.url, webhook });

  /** Ids of the events the outbox still holds. */
  async function pending(): Promise<string[]> {
    if (redisClient) return redisClient.zrange('uploads:events:due', 0, -1);
    return [...new Set((await listKeys(admin, bucket, 'events/pending/')).map((k) => k.split('/')[2]!))];
  }
  async function failedRecord(id: string) {
    const raw = redisClient ? await redisClient.hget('uploads:events:failed', id) : (await getBytes(admin, bucket, `events/failed/${id}.json`)).toString();
    return JSON.parse(raw ?? 'null') as { attempts: number; error: string; event: { id: string } };
  }

  beforeAll(async () => {
    if (outbox === 'Redis') {
      redis = await startRedis();
      redisClient = new Redis(redis.url);
    }
    admin = adminClient(await ensureLocalS3());
    ({ bucket, drop } = await createTestBucket(admin, 'evt'));
    await setupBucket(admin, { bucket, origins: ['http://127.0.0.1'] });
    token = await signToken('erin');
  });
  afterAll(async () => {
    await drop?.();
    admin?.destroy();
    redisClient?.disconnect();
    await redis?.stop();
  });

  it('a receiver refusing the first two deliveries, with a server restart in between, gets each event exactly once as a success, signed', async () => {
    const receiver = await startReceiver({ refuse: 2 });
    const first = await start(fast(receiver.url));
    const photo = await upload(first, token, 'Summer photo.png');
    const other = await upload(first, token, 'other.png');
    const deleted = { key: other.key, route: 'default', userId: 'erin', name: 'other.png', size: other.size, contentType: 'image/png' };
    await first.deps.events!.emit('file.deleted', deleted);
    const ids = [eventId('file.uploaded', photo.key), eventId('file.uploaded', other.key), eventId('file.deleted', other.key)];

    await until(() => ids.every((id) => receiver.of(id).length >= 1), 'a first delivery of each event');
    // The restart: this instance stops, a new one starts on the same bucket (and Redis).
    receiver.setPhase('restarted');
    await first.close();
    const second = await start(fast(receiver.url));
    await until(async () => ids.every((id) => receiver.of(id).some((d) => d.status === 204)) && (await pending()).length === 0, 'every event delivered');
    await second.close();
    await receiver.close();

    expect(receiver.deliveries).toHaveLength(9);
    for (const id of ids) {
      const tries = receiver.of(id);
      expect(tries.map((d) => d.status)).toEqual([500, 500, 204]);
      expect(tries[2]!.phase).toBe('restarted');
      // The same message every time: one id, one body; each attempt signed with its own timestamp.
      expect(new Set(tries.map((d) => d.body)).size).toBe(1);
      for (const d of tries) {
        expect(d.headers['webhook-id']).toBe(id);
        expect(d.headers['content-type']).toBe('application/json');
        expect(new Webhook(secret).verify(d.body, d.headers)).toEqual(JSON.parse(d.body));
        expect(() => new Webhook(secret).verify(d.body.replace('erin', 'mallory'), d.headers)).toThrow('No matching signature found');
        expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(d.body, d.headers)).toThrow();
      }
    }
    const payload = (id: string) => JSON.parse(receiver.of(id)[0]!.body) as { type: string; timestamp: string; data: object };
    expect(payload(ids[0]!)).toEqual({
      type: 'file.uploaded',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { key: photo.key, route: 'default', userId: 'erin', name: 'Summer photo.png', size: photo.size, contentType: 'image/png' },
    });
    expect(payload(ids[2]!)).toMatchObject({ type: 'file.deleted', data: deleted });
  });

  it('two instances at once never make the same attempt together, and deliver each attempt once', async () => {
    const receiver = await startReceiver({ refuse: 2, holdMs: 100 });
    const config = { ...fast(receiver.url, { baseMs: 100, capMs: 200 }), pollMs: 20 };
    const [a, b] = await Promise.all([start(config), start(config)]);
    const keys = Array.from({ length: 6 }, (_, i) => `uploads/erin/default/${randomBytes(16).toString('hex')}-both-${i}.png`);
    await Promise.all(
      keys.map((key, i) =>
        (i % 2 ? a : b).deps.events!.emit('file.deleted', { key, route: 'default', userId: 'erin', name: `both-${i}.png`, size: 1, contentType: 'image/png' }),
      ),
    );
    const ids = keys.map((key) => eventId('file.deleted', key));
    await until(async () => ids.every((id) => receiver.of(id).some((d) => d.status === 204)) && (await pending()).length === 0, 'every event delivered');
    await Promise.all([a.close(), b.close()]);
    await receiver.close();

    expect(receiver.maxInFlight()).toBe(1);
    for (const id of ids) expect(receiver.of(id).map((d) => d.status)).toEqual([500, 500, 204]);
    expect(receiver.deliveries).toHaveLength(18);
  });

  it('a receiver that is down never fails complete: the file is final, its event waits in the outbox', async () => {
    const t = await start(fast(`http://127.0.0.1:${await closedPort()}/hooks`, { baseMs: 60_000, capMs: 60_000 }));
    const file = await upload(t, token, 'while down.png');
    expect(await listKeys(admin, bucket, file.key)).toEqual([file.key]);
    expect(await pending()).toContain(eventId('file.uploaded', file.key));
    await t.close();
    // Removed here so the next test starts with an empty outbox.
    if (redisClient) await redisClient.flushall();
    else await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: (await listKeys(admin, bucket, 'events/')).map((Key) => ({ Key })) } }));
  });

  it('an instance that dies mid-attempt frees the event when its lease ends; that attempt counts', async () => {
    const receiver = await startReceiver({ refuse: 1 });
    const dying = redis ? createRedisOutbox(new Redis(redis.url)) : createBucketOutbox(createS3JsonObjects(admin, bucket));
    const key = `uploads/erin/default/${randomBytes(16).toString('hex')}-orphan.png`;
    const id = eventId('file.deleted', key);
    await dying.add({
      id,
      type: 'file.deleted',
      timestamp: new Date().toISOString(),
      data: { key, route: 'default', userId: 'erin', name: 'orphan.png', size: 1, contentType: 'image/png' },
    });
    // Claimed, then never reported: the instance died while delivering.
    expect((await dying.claim(Date.now(), 1500, 10)).map((c) => [c.event.id, c.attempt])).toEqual([[id, 1]]);
    const t = await start(fast(receiver.url, { maxAttempts: 2 }));
    await until(async () => (await pending()).length === 0, 'the event settled');
    await t.close();
    await receiver.close();
    await dying.close();
    // One delivery only, and it was attempt 2 of 2: refused, so given up.
    expect(receiver.of(id).map((d) => d.status)).toEqual([500]);
    expect(await failedRecord(id)).toMatchObject({ attempts: 2, error: 'the receiver answered 500' });
  });

  it('after the last attempt, the event is moved to the failed events with its error, and not sent again', async () => {
    const receiver = await startReceiver({ refuse: 100 });
    const t = await start(fast(receiver.url, { baseMs: 100, capMs: 100, maxAttempts: 3 }));
    const key = `uploads/erin/default/${randomBytes(16).toString('hex')}-gone.png`;
    await t.deps.events!.emit('file.deleted', { key, route: 'default', userId: 'erin', name: 'gone.png', size: 1, contentType: 'image/png' });
    const id = eventId('file.deleted', key);
    await until(async () => receiver.of(id).length === 3 && (await pending()).length === 0, 'the event given up');
    await t.close();
    await receiver.close();
    expect(receiver.of(id).map((d) => d.status)).toEqual([500, 500, 500]);
    expect(await failedRecord(id)).toMatchObject({ attempts: 3, error: 'the receiver answered 500', event: { id } });
  });
});
