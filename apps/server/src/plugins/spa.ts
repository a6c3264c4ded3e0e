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
    if (request.method !== 'GET' || request.url.startsWith('/trpc')) {
      return reply.code(404).send({ error: 'Not Found', message: `${request.method} ${request.url} does not exist.` });
    }
    return reply.sendFile('index.html');
  });
}
