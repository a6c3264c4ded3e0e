import type { FastifyInstance } from 'fastify';

/**
 * tRPC's adapter answers with a WHATWG Response, which Fastify streams: chunked, a read and a
 * write per chunk, and @fastify/compress gzips any stream whatever its size. A plain JSON answer
 * is whole already; sent as a Buffer it goes out in one write with its Content-Length, and the
 * compression threshold applies. Streaming answers (jsonl batches, subscriptions) stay streams.
 */
export function sendJsonAnswersWhole(app: FastifyInstance) {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!(payload instanceof Response)) return payload;
    const { headers } = payload;
    if (headers.get('content-type') !== 'application/json' || headers.has('transfer-encoding')) return payload;
    reply.code(payload.status);
    headers.forEach((value, name) => void reply.header(name, value));
    return Buffer.from(await payload.arrayBuffer());
  });
}
