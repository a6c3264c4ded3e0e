/**
 * Child process: the real product app (createDeps + buildApp, as server.ts and
 * apps/web/e2e/stack.ts build it) plus bench-only routes, on one Fastify instance. It runs apart
 * from autocannon and Chromium so their CPU never counts as the server's; the parent asks for
 * CPU time and socket byte counts over IPC, which adds no HTTP traffic to what is measured.
 */
import type { UploadPolicy } from '@app/api';
import { buildApp } from '@app/server/app';
import { createDeps } from '@app/server/deps';
import { loadConfig } from '@app/server/env';
import { s3Credentials, serverEnv } from '@app/test-utils';
import type { AddressInfo } from 'node:net';
import { registerBenchRoutes } from './bench-routes';
import { BENCH_SEAL_SECRET } from './jwt';
import { countSocketBytes } from './byte-counter';
import { createProfiler } from './child-profiler';
import type { ChildReply, ChildRequest, ServerChildConfig } from './server-protocol';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? 'null') as ServerChildConfig | null;
if (!config || !process.send) throw new Error('server-child.ts is started by server-handle.ts (fork with IPC)');
const send = process.send.bind(process);
const { s3, bucket } = config;

// Built as the server builds itself (createDeps over the validated environment); the SPA flow signs
// in with a name, like the e2e test.
const env = loadConfig(
  serverEnv(s3, bucket, { AUTH_JWT_SECRET: config.jwtSecret, AUTH_DEV_SIGN_IN: 'true', UPLOAD_METADATA_SECRET: BENCH_SEAL_SECRET, WEB_DIST_DIR: config.webDistDir }),
);
// The 256 MiB trials need a larger limit than the default 100 MiB. One object, read per request,
// so the 'policy' message below changes what the next `upload.policy` query answers.
const policy: UploadPolicy = { ...env.policy, maxBytes: config.maxBytes };
const unlimited = { limit: 1e9, windowSeconds: 60 };
// Rate limits and quota so high that load runs and batches measure uploads, not 429s; the checks still run.
const limits = { ...env.limits, requestUrl: unlimited, complete: unlimited, signParts: unlimited, listParts: unlimited, abort: unlimited, quotaBytes: 2 ** 52 };
const deps = await createDeps({ ...env, policy, limits }, { credentials: s3Credentials(s3) });
const { client } = deps;
const app = await buildApp(deps);
await registerBenchRoutes(app, { s3, bucket });
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
