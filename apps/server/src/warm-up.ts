import { STAGING_ROOT, type UploadStorage } from '@app/api';
import type { FastifyInstance } from 'fastify';

/** A user segment `userSegment` never makes (its `h-` segments are hex): nobody's files are listed. */
const NOBODY = 'h-warm-up';

/**
 * Takes the paths of the first requests once before the server listens, so the first call after a
 * start (a deploy, a new instance) costs what later ones do, not the JIT's and the S3 client's
 * first-use set-up: one public API call through Fastify and tRPC, a user's count (three empty
 * listings) and a signature. Read-only; a failure is logged and the server starts anyway.
 */
export async function warmUp(app: FastifyInstance, storage: UploadStorage): Promise<void> {
  const t0 = performance.now();
  try {
    await app.inject({ method: 'GET', url: '/trpc/upload.routes' });
    await Promise.all([storage.scanUsage(NOBODY, { cold: true }), storage.presignGet(`${STAGING_ROOT}${NOBODY}/warm-up`, 60)]);
    app.log.debug({ ms: Math.round(performance.now() - t0) }, 'warmed up');
  } catch (error) {
    app.log.warn({ err: error }, 'warm-up failed; the first requests may be slower');
  }
}
