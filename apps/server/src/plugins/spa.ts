import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Serves the built SPA from the same origin as the API; unknown GETs fall back to index.html. */
export async function spaPlugin(app: FastifyInstance, { root }: { root: string }) {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`No built SPA in ${root}: run "pnpm build" first (or unset WEB_DIST_DIR).`);
  }
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
