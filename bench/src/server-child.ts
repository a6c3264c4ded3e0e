/**
 * Child process: the real product app (buildApp + createAuth + the S3 storage adapter, as
 * apps/web/e2e/stack.ts builds it) plus bench-only routes, on one Fastify instance. It runs apart
 * from autocannon and Chromium so their CPU never counts as the server's; the parent asks for
 * CPU time and socket byte counts over IPC, which adds no HTTP traffic to what is measured.
 */
import { defaultLimits, defaultUploadPolicy, type UploadPolicy } from '@app/api';
import { buildApp } from '@app/server/app';
import { createAuth } from '@app/server/auth';
import { createNodeSealer, createS3Client, createS3Storage, storeOriginOf } from '@app/server/storage';
import type { AddressInfo } from 'node:net';
import { registerBenchRoutes } from './bench-routes';
import { countSocketBytes } from './byte-counter';
import { createProfiler } from './child-profiler';
import type { ChildReply, ChildRequest, ServerChildConfig } from './server-protocol';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? 'null') as ServerChildConfig | null;
if (!config || !process.send) throw new Error('server-child.ts is started by server-handle.ts (fork with IPC)');
const send = process.send.bind(process);
const { s3, bucket } = config;

const client = createS3Client(
  { bucket, region: s3.S3_REGION, endpoint: s3.S3_ENDPOINT, forcePathStyle: true },
  { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY },
);
const auth = createAuth({
  jwtSecret: config.jwtSecret,
  jwksUrl: undefined,
  issuer: undefined,
  audience: undefined,
  devSignIn: true, // the SPA flow signs in with a name, like the e2e test
  tokenTtlSeconds: 3600,
});
const storage = createS3Storage(client, bucket, createNodeSealer('bench-upload-metadata-secret-0123456789'));
// The 256 MiB trials need a larger limit than the default 100 MiB. One object, read per request,
// so the 'policy' message below changes what the next `upload.policy` query answers.
const policy: UploadPolicy = { ...defaultUploadPolicy, maxBytes: config.maxBytes };
const app = await buildApp({
  config: {
    policy,
    // Rate limit and quota so high that load runs measure signing, not 429s; both checks still run.
    limits: { ...defaultLimits, requestUrl: { limit: 1e9, windowSeconds: 60 }, quotaBytes: 2 ** 52 },
    webDistDir: config.webDistDir,
    // As server.ts does: the SPA's CSP must allow the store, and this warms the SDK's lazy parts.
    storeOrigin: await storeOriginOf(storage),
  },
  auth,
  storage,
});
await registerBenchRoutes(app, { auth, s3, bucket });
const bytes = countSocketBytes(app.server);
const profiler = createProfiler();
await app.listen({ port: 0, host: '127.0.0.1' });

process.on('message', (message: ChildRequest) => {
  const reply = (body: ChildReply) => send({ ...body, id: message.id });
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    reply({ type: 'cpu', micros: user + system });
  } else if (message.type === 'bytes') {
    reply({ type: 'bytes', ...bytes() });
  } else if (message.type === 'profile-start') {
    void profiler.start().then(() => reply({ type: 'profiling' }));
  } else if (message.type === 'profile-stop') {
    const { path } = message;
    void profiler.stop(path).then(() => reply({ type: 'profile', path }));
  } else if (message.type === 'policy') {
    Object.assign(policy, message.patch);
    reply({ type: 'policy' });
  } else if (message.type === 'exit') {
    void app.close().finally(() => {
      client.destroy();
      reply({ type: 'bye' });
      process.disconnect();
      process.exit(0);
    });
  }
});
send({ type: 'ready', id: 0, port: (app.server.address() as AddressInfo).port });
// If the parent dies, do not outlive it.
process.on('disconnect', () => process.exit(0));
