import type { AnyTRPCRouter } from '@trpc/server';
import { getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json';
}

/**
 * The API's contract is JSON. tRPC's adapter also accepts form data and octet streams, which it
 * reads whole and unbounded, outside Fastify's `bodyLimit`: a body of any other type is refused
 * here, on its headers, before a byte of it is read, and so is a JSON body that says it is larger
 * than `bodyLimit` (Fastify counts the bytes of the ones that do not say). Node discards what
 * the client still sends. The connection is not closed on it: a close with unread bytes resets the
 * connection, and the client would lose the answer that says what to fix.
 */
export function refuseNonJsonBodies(app: FastifyInstance, { router, bodyLimit }: { router: AnyTRPCRouter; bodyLimit: number }) {
  app.addHook('onRequest', async (req, reply) => {
    if (!hasBody(req)) return;
    let error: TRPCError | null = null;
    const contentType = req.headers['content-type'];
    if (!isJson(contentType)) {
      error = new TRPCError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `Send calls as JSON with "Content-Type: application/json"${contentType ? ` (got "${contentType.slice(0, 100)}")` : ''}.`,
      });
    } else if (Number(req.headers['content-length']) > bodyLimit) {
      error = new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `A call's JSON body may be at most ${bodyLimit} bytes.` });
    }
    if (!error) return;
    const path = (req.params as { path?: string }).path ?? '';
    const shape = getTRPCErrorShape({ config: router._def._config, error, type: 'unknown', path, input: undefined, ctx: undefined });
    return reply.code(getHTTPStatusCodeFromError(error)).header('cache-control', 'no-store').send({ error: shape });
  });
}
