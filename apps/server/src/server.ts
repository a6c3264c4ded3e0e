import { buildApp } from './app';
import { createDeps } from './deps';
import { EnvError, loadConfig } from './env';
import { sweepStaging } from './storage/sweep';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}

let deps;
let app;
try {
  deps = await createDeps(config);
  app = await buildApp({ ...deps, logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] } });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const { client } = deps;

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
