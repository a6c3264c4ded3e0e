import { buildApp } from './app';
import { UnsafeStoreError, probeStoreAtStart } from './doctor/at-start';
import { createDeps } from './deps';
import { EnvError, loadConfig } from './env';
import { COPY_GUARD_MISSING, probeCopyGuard } from './storage/store-guard';
import { sweepStaging } from './storage/sweep';
import { warmUp } from './warm-up';

const LISTEN_BACKLOG = 4096;

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}

let deps;
try {
  deps = await createDeps(config);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const { client } = deps;

// Before the app's logger exists: one JSON line like pino's, on stdout.
const startLog = {
  info: (obj: object, msg: string) => config.logLevel !== 'silent' && console.log(JSON.stringify({ level: 30, ...obj, msg })),
  warn: (obj: object, msg: string) => config.logLevel !== 'silent' && console.log(JSON.stringify({ level: 40, ...obj, msg })),
};

// A store that lets an uploader copy what the server can read must not serve users in production.
// The store probe (blocking or in the background) checks this among the others and says so; only
// with the probe off does this one quick probe guard the start.
const guard = config.storeProbe.mode === 'off' ? await probeCopyGuard(client, config.s3.bucket) : ({ result: 'refused' } as const);
const copyAccepted = config.storeProbe.acceptUnsafe.includes('unsigned-copy-source');
if (guard.result === 'copied' && config.nodeEnv === 'production' && !copyAccepted) {
  console.error(`Refusing to start: ${COPY_GUARD_MISSING} \`pnpm s3:doctor\` shows every check; S3_ACCEPT_UNSAFE_STORE=unsigned-copy-source starts anyway.`);
  process.exit(1);
}

let app;
try {
  const storeCapabilities = await probeStoreAtStart({ client, ...config.s3, webOrigins: config.webOrigins }, config.storeProbe, startLog);
  app = await buildApp({ ...deps, storeCapabilities, logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] } });
} catch (error) {
  console.error(error instanceof UnsafeStoreError ? `Refusing to start: ${error.message}` : (error as Error).message);
  process.exit(1);
}

await warmUp(app, deps.storage);
if (guard.result === 'copied') app.log.warn(COPY_GUARD_MISSING);
if (guard.result === 'unknown') app.log.warn({ err: guard.error }, 'could not check whether the store refuses copies into staging/');

const { sweepIntervalSeconds, maxAgeSeconds } = config.staging;
const sweep = () =>
  sweepStaging(client, config.s3.bucket, maxAgeSeconds)
    .then((report) => (report.deleted || report.aborted.length) && app.log.info(report, 'swept stale staged uploads'))
    .catch((error: unknown) => app.log.warn({ err: error }, 'staging sweep failed; will retry'));
const sweeper = sweepIntervalSeconds > 0 ? setInterval(sweep, sweepIntervalSeconds * 1000).unref() : undefined;

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    clearInterval(sweeper);
    app
      .close()
      .then(() => {
        deps.close();
        process.exit(0);
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  });
}

// Node's default backlog (511) drops SYNs in a burst of new connections, which then wait for a
// retransmit (1 s, 3 s...). The kernel caps it at net.core.somaxconn (4096 on current Linux).
await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
