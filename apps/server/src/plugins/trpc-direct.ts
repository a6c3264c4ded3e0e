import type { AnyTRPCRouter } from '@trpc/server';
import { fastifyRequestHandler, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type TrpcOptions<TRouter extends AnyTRPCRouter> = FastifyTRPCPluginOptions<TRouter>['trpcOptions'];

/**
 * Direct routes for the hottest mutations (`upload.requestUrl` above all), on the same URLs and
 * with the same wire format as tRPC's Fastify adapter.
 *
 * The adapter turns every call into a WHATWG Request (headers, AbortSignal, body stream) and its
 * answer into a Response that Fastify streams back: about 260 µs of CPU a call, more than a whole
 * `requestUrl` call costs through its direct route (150 µs, `pnpm bench`). A direct route takes the JSON body Fastify already read, calls the
 * same procedure (same middleware, input validation, context and error formatter) and writes the
 * same JSON. Only the common shape is taken here: a POST of JSON, alone or as a batch of one
 * (`?batch=1`, body `{"0": input}`). Anything else (another method or content type, streaming,
 * bad JSON, other query parameters) goes to tRPC's own handler, so edge cases answer exactly as
 * they do everywhere else. A test sends the same requests to both and compares the answers.
 */
export async function registerDirectMutations<TRouter extends AnyTRPCRouter>(
  app: FastifyInstance,
  { prefix, paths, trpcOptions }: { prefix: string; paths: readonly string[]; trpcOptions: TrpcOptions<TRouter> },
): Promise<void> {
  const { router, createContext, onError } = trpcOptions;
  const config = router._def._config;

  await app.register(async (scope) => {
    // The adapter's own parsers: the body stays a string, parsed once below (or by tRPC).
    scope.removeContentTypeParser(['application/json', 'multipart/form-data']);
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.addContentTypeParser('multipart/form-data', {}, (_req, body, done) => done(null, body));

    for (const path of paths) {
      const procedure = await getProcedureAtPath(router, path);
      if (procedure?._def.type !== 'mutation') throw new Error(`registerDirectMutations: "${path}" is not a mutation`);
      const fallback = (req: FastifyRequest, reply: FastifyReply) =>
        fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });

      scope.post(`${prefix}/${path}`, async (req, reply) => {
        const read = readCall(req);
        if (!read) return fallback(req, reply);
        // The router's transformer decodes the input, as in tRPC (the identity without one).
        const call = { ...read, input: config.transformer.input.deserialize(read.input) };

        // As in tRPC: the input is "known" to error shapes only once the procedure has read it.
        let inputRead = false;
        let ctx: Awaited<ReturnType<NonNullable<typeof createContext>>> | undefined;
        let response: { result: { data: unknown } } | { error: unknown };
        try {
          ctx = await createContext!({ req, res: reply, info: undefined as never });
          const data = await procedure({
            path,
            getRawInput: async () => {
              inputRead = true;
              return call.input;
            },
            ctx,
            type: 'mutation',
            signal: undefined,
            batchIndex: 0,
          });
          response = { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          const input = inputRead ? call.input : undefined;
          onError?.({ error, path, input, ctx, type: 'mutation', req });
          response = { error: getErrorShape({ config, ctx, error, input, path, type: 'mutation' }) };
        }
        const body = call.batch ? [response] : response;
        reply
          .code(getHTTPStatusCode([response] as never))
          .header('vary', 'trpc-accept, accept')
          .header('content-type', 'application/json');
        // A Buffer, so Fastify sends the content-type as set (it adds a charset to strings).
        return reply.send(Buffer.from(JSON.stringify(transformTRPCResponse(config, body as never))));
      });
    }
  });
}

/** The call in a plain JSON POST, or null for anything the direct route leaves to tRPC. */
function readCall(req: FastifyRequest): { input: unknown; batch: boolean } | null {
  if (typeof req.body !== 'string' || req.headers['trpc-accept'] !== undefined) return null;
  if (!req.headers['content-type']?.startsWith('application/json') || req.body === '') return null;
  const query = req.query as Record<string, unknown>;
  let batch = false;
  for (const key in query) {
    if (key === 'batch' && query.batch === '1') batch = true;
    else return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch {
    return null;
  }
  if (!batch) return { input: parsed, batch };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== '0') return null;
  return { input: (parsed as Record<string, unknown>)['0'], batch };
}
