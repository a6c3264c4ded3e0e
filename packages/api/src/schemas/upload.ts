import { z } from 'zod';

export const uploadMethodSchema = z.enum(['PUT', 'POST'], { error: 'must be "PUT" or "POST"' });

export const requestUrlInput = z.object({
  fileName: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  contentType: z.string({ error: 'must be a MIME type such as "image/png"' }).min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  size: z
    .number({ error: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1 byte (empty files cannot be uploaded)')
    .max(Number.MAX_SAFE_INTEGER, 'is too large'),
  method: uploadMethodSchema.default('PUT'),
});

/**
 * A route name of the table: a literal union for the type checker; on the wire, an unknown name is
 * a BAD_REQUEST that lists the routes. Optional: without it, the `default` route applies.
 */
export function routeNameSchema<const N extends string>(names: readonly [N, ...N[]]) {
  return z.enum(names, { error: `must be one of the upload routes: ${names.join(', ')}` }).default('default' as N);
}

const signedTarget = z.object({ key: z.string(), expiresAt: z.iso.datetime() });

export const requestUrlOutput = z.discriminatedUnion('method', [
  signedTarget.extend({ method: z.literal('PUT'), url: z.url(), headers: z.record(z.string(), z.string()) }),
  signedTarget.extend({ method: z.literal('POST'), url: z.url(), fields: z.record(z.string(), z.string()) }),
]);

export type RequestUrlOutput = z.infer<typeof requestUrlOutput>;

export const completeInput = z.object({
  key: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'is too long'),
});

/** `complete`'s answer without the route's `data` (its type comes from the route table, see CompleteAnswer). */
export const completeOutput = z.object({
  key: z.string(),
  size: z.number(),
  contentType: z.string(),
  url: z.url(),
  name: z.string(),
  replaced: z.array(z.string()),
  route: z.string(),
  data: z.unknown(),
});

const imageProcessing = z.object({
  maxEdge: z.number(),
  format: z.enum(['image/jpeg', 'image/png', 'image/webp']).optional(),
  quality: z.number().optional(),
  stripMetadata: z.boolean().optional(),
});

/** One route's effective rules, as `upload.routes` publishes them (RouteRules). */
export const routeRulesOutput = z.object({
  name: z.string(),
  allowedTypes: z.array(z.string()),
  maxBytes: z.number(),
  urlTtlSeconds: z.number(),
  multipartThresholdBytes: z.number().nullable(),
  multipartConcurrency: z.number(),
  maxFiles: z.number().nullable(),
  replace: z.boolean(),
  image: imageProcessing.nullable(),
  authorized: z.boolean(),
});

export const policyOutput = z.object({
  allowedTypes: z.array(z.string()),
  maxBytes: z.number(),
  urlTtlSeconds: z.number(),
  multipartThresholdBytes: z.number(),
  multipartConcurrency: z.number(),
  /** The digest the store verifies, so the browser sends that one (Content-MD5 on Ceph RGW 16). */
  checksum: z.enum(['content-md5', 'crc32', 'sha256', 'none']),
  /** The upload methods that are safe on this store (no POST where policies are not enforced). */
  uploadMethods: z.array(uploadMethodSchema),
});
