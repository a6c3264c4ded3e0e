import { z } from 'zod';
import { requestUrlInput } from './upload';

const MAX_PARTS = 10_000;
/** Parts are signed in small batches, just before they are sent. */
export const MAX_PARTS_PER_SIGNING = 20;

const partNumber = z.number({ error: 'must be a part number' }).int('must be a whole number').min(1, 'starts at 1').max(MAX_PARTS, `is at most ${MAX_PARTS}`);
const target = {
  key: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'is too long'),
  uploadId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'is too long'),
};

export const multipartStartInput = requestUrlInput.omit({ method: true });

export const multipartStartOutput = z.object({
  key: z.string(),
  uploadId: z.string(),
  partSize: z.number(),
  partCount: z.number(),
  /** For `signParts`: lets any server sign this upload's parts without reading its plan from the bucket. */
  planToken: z.string(),
  expiresAt: z.iso.datetime(),
});

export const signPartsInput = z
  .object({
    ...target,
    partNumbers: z.array(partNumber).min(1, 'name at least one part').max(MAX_PARTS_PER_SIGNING, `at most ${MAX_PARTS_PER_SIGNING} parts at a time`),
    /** Base64 MD5 of each part, in the order of `partNumbers`: the store then verifies every byte. */
    contentMd5: z.array(z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'must be base64 MD5 digests')).optional(),
    /** `start`'s `planToken`. Without it (or with one this server cannot verify) the plan is read from the bucket. */
    planToken: z.string({ error: 'must be a string' }).max(200, 'is too long').optional(),
  })
  .refine((v) => new Set(v.partNumbers).size === v.partNumbers.length, { message: 'must not repeat a part', path: ['partNumbers'] })
  .refine((v) => !v.contentMd5 || v.contentMd5.length === v.partNumbers.length, {
    message: 'needs one digest per part number',
    path: ['contentMd5'],
  });

export const signPartsOutput = z.object({
  parts: z.array(z.object({ partNumber: z.number(), url: z.url(), headers: z.record(z.string(), z.string()) })),
  expiresAt: z.iso.datetime(),
});

export type SignPartsOutput = z.infer<typeof signPartsOutput>;

export const multipartTargetInput = z.object(target);

export const listPartsOutput = z.object({
  parts: z.array(z.object({ partNumber: z.number(), etag: z.string(), size: z.number() })),
});

export const multipartCompleteInput = z.object({
  ...target,
  parts: z
    .array(z.object({ partNumber, etag: z.string({ error: 'must be a string' }).min(1).max(200) }))
    .min(1, 'name at least one part')
    .max(MAX_PARTS, `at most ${MAX_PARTS} parts`),
});

export const abortOutput = z.object({ aborted: z.literal(true) });
