import type { S3Env } from '@app/test-utils';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import { bundleUppy, UPPY_PAGE } from './uppy';

/**
 * Bench-only routes, registered on the product's own Fastify instance so every variant shares the
 * process, the event loop and the JIT state of the real app.
 */

/** A blank same-origin page with a file input: the bare-XHR uploads run here, free of React. */
const BLANK_PAGE = '<!doctype html><html><head><title>bench</title></head><body><input type="file" id="f" multiple></body></html>';

/** What Uppy's S3 plugin asks to have signed (its `PresignableRequest`). */
interface UppyRequest {
  method: 'PUT' | 'POST' | 'GET' | 'DELETE';
  key: string;
  uploadId?: string;
  partNumber?: number;
}

/** Uppy's signing callback, served: one presigned URL per S3 request, from the AWS SDK. */
function uppyCommand(bucket: string, r: UppyRequest) {
  const at = { Bucket: bucket, Key: r.key };
  if (r.uploadId === undefined) {
    if (r.method === 'PUT') return new PutObjectCommand(at);
    if (r.method === 'POST') return new CreateMultipartUploadCommand(at);
    if (r.method === 'DELETE') return new DeleteObjectCommand(at);
  } else {
    const up = { ...at, UploadId: r.uploadId };
    if (r.method === 'PUT' && r.partNumber) return new UploadPartCommand({ ...up, PartNumber: r.partNumber });
    if (r.method === 'POST') return new CompleteMultipartUploadCommand(up);
    if (r.method === 'GET') return new ListPartsCommand(up);
    if (r.method === 'DELETE') return new AbortMultipartUploadCommand(up);
  }
  throw new Error(`cannot sign ${JSON.stringify(r)}`);
}

export async function registerBenchRoutes(app: FastifyInstance, { s3, bucket }: { s3: S3Env; bucket: string }) {
  const t = initTRPC.create();
  /** tRPC's own cost (routing, body parsing, serialising), the baseline for requestUrl. */
  const router = t.router({ noop: t.procedure.mutation(() => ({ ok: true })) });
  await app.register(fastifyTRPCPlugin, { prefix: '/bench-trpc', trpcOptions: { router } });

  app.get('/bench/blank', async (_request, reply) => reply.type('text/html; charset=utf-8').send(BLANK_PAGE));

  const uppyScript = await bundleUppy();
  const client = new S3Client({
    region: s3.S3_REGION,
    endpoint: s3.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY, secretAccessKey: s3.S3_SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  app.get('/bench/uppy', async (_request, reply) => reply.type('text/html; charset=utf-8').send(UPPY_PAGE));
  app.get('/bench/uppy.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(uppyScript));
  app.post('/bench/uppy-sign', async (request) => {
    const url = await getSignedUrl(client, uppyCommand(bucket, request.body as UppyRequest) as PutObjectCommand, { expiresIn: 600 });
    return { url };
  });
  app.addHook('onClose', async () => client.destroy());
}
