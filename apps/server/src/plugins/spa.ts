import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The page may load code, styles and data only from itself, and files (previews, uploads) only
 * from the bucket's origin.
 */
export function contentSecurityPolicy(storeOrigin: string | undefined): string {
  const store = storeOrigin ? ` ${storeOrigin}` : '';
  return [
    "default-src 'self'",
    // WebAssembly (the MD5 of upload parts, in a worker) needs 'wasm-unsafe-eval'; JavaScript eval stays off.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `img-src 'self' blob: data:${store}`,
    `media-src 'self' blob:${store}`,
    `connect-src 'self'${store}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Serves the built SPA from the same origin as the API; unknown page routes fall back to index.html. */
export async function spaPlugin(app: FastifyInstance, { root, storeOrigin }: { root: string; storeOrigin?: string | undefined }) {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`No built SPA in ${root}: run "pnpm build" first (or unset WEB_DIST_DIR).`);
  }
  const csp = contentSecurityPolicy(storeOrigin);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Client-side routes get the app; a missing file (a path with an extension) or API path gets a 404.
    if (request.method !== 'GET' || path.startsWith('/trpc') || /\.[a-z0-9]+$/i.test(path)) {
      return reply.code(404).send({ error: 'Not Found', message: `${request.method} ${request.url} does not exist.` });
    }
    return reply.sendFile('index.html');
  });
}
