import { fileURLToPath } from 'node:url';
import { buildApp } from './app';
import { createAuth } from './auth';
import { EnvError, loadConfig } from './env';
import { createS3Client } from './storage/s3-client';
import { createS3Storage } from './storage/s3-storage';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}

// In production the built SPA is served from the same origin, unless WEB_DIST_DIR says otherwise.
const webDistDir =
  config.webDistDir ?? (config.nodeEnv === 'production' ? fileURLToPath(new URL('../../web/dist', import.meta.url)) : undefined);

const client = createS3Client(config.s3);
const app = await buildApp({
  config: { ...config, webDistDir },
  auth: createAuth(config.auth),
  storage: createS3Storage(client, config.s3.bucket),
  logger: {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  },
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => {
        client.destroy();
        process.exit(0);
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  });
}

await app.listen({ port: config.port, host: config.host });
