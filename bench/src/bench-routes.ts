import type { Auth } from '@app/server/auth';
import type { S3Env } from '@app/test-utils';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { initTRPC, TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Bench-only routes, registered on the product's own Fastify instance so every variant shares the
 * process, the event loop and the JIT state of the real app.
 */

/** A blank same-origin page with a file input: the bare-XHR upload runs here, free of React. */
const BLANK_PAGE = '<!doctype html><html><head><title>bench</title></head><body><input type="file" id="f"></body></html>';

interface NaiveContext {
  authorization: string | undefined;
}

/**
 * The seeds' approach, as the baseline the product must beat by 2×: a default S3Client created once
 * (SDK defaults, nothing tuned), then per request auth + zod + getSignedUrl(new PutObjectCommand).
 */
function naiveRouter(auth: Auth, s3: S3Env, bucket: string) {
  const client = new S3Client({
    region: s3.S3_REGION,
    endpoint: s3.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY },
  });
  const t = initTRPC.context<NaiveContext>().create();
  const input = z.object({
    fileName: z.string().min(1).max(255),
    contentType: z.string().min(1).max(255),
    size: z.number().int().positive(),
  });
  return t.router({
    /** tRPC's own cost: routing, body parsing, response serialisation, nothing else. */
    noop: t.procedure.mutation(() => ({ ok: true })),
    naive: t.procedure.input(input).mutation(async ({ ctx, input }) => {
      const verified = await auth.verify(ctx.authorization);
      if (!verified.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
      const key = `uploads/${verified.user.id}/${randomUUID()}-${input.fileName}`;
      const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: input.contentType, ContentLength: input.size });
      const url = await getSignedUrl(client, command, { expiresIn: 300 });
      return { key, url, headers: { 'Content-Type': input.contentType } };
    }),
  });
}

export async function registerBenchRoutes(app: FastifyInstance, { auth, s3, bucket }: { auth: Auth; s3: S3Env; bucket: string }) {
  app.get('/bench/bare', async () => ({ ok: true }));
  app.get('/bench/blank', async (_request, reply) => reply.type('text/html; charset=utf-8').send(BLANK_PAGE));
  await app.register(fastifyTRPCPlugin, {
    prefix: '/bench-trpc',
    trpcOptions: {
      router: naiveRouter(auth, s3, bucket),
      createContext: ({ req }: CreateFastifyContextOptions): NaiveContext => ({ authorization: req.headers.authorization }),
    },
  });
}
