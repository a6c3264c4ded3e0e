import { buildApp } from './app';
import { createDeps } from './deps';
import { EnvError, loadConfig } from './env';
import { COPY_GUARD_MISSING, probeCopyGuard } from './storage/store-guard';
import { sweepStaging } from './storage/sweep';

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

// A store that lets an uploader copy what the server can read must not serve users in production.
const guard = await probeCopyGuard(client, config.s3.bucket);
if (guard.result === 'copied' && config.nodeEnv === 'production') {
  console.error(`Refusing to start: ${COPY_GUARD_MISSING}`);
  process.exit(1);
}

let app;
try {
  app = await buildApp({ ...deps, logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] } });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

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

await app.listen({ port: config.port, host: config.host });
