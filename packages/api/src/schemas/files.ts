import { z } from 'zod';
import { ROUTE_NAME_PATTERN } from '../key';

/** Most files one `files.list` page holds. */
export const MAX_LIST_LIMIT = 100;

export const listFilesInput = z
  .object({
    route: z
      .string({ error: 'must be a route name' })
      .regex(ROUTE_NAME_PATTERN, 'must be a route name (lower-case letters, digits and dashes, starting with a letter)')
      .optional(),
    cursor: z.string({ error: 'must be the nextCursor of a previous page' }).min(1, 'must not be empty').max(2048, 'is too long').optional(),
    limit: z
      .number({ error: 'must be a number of files' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`)
      .default(50),
  })
  .prefault({});

export const fileOutput = z.object({
  key: z.string(),
  /** The name the file was uploaded with. */
  name: z.string(),
  size: z.number(),
  contentType: z.string(),
  /** When the file was verified (ISO 8601). */
  uploadedAt: z.iso.datetime(),
  route: z.string(),
  /** A short-lived download link that saves the file under `name`. */
  url: z.url(),
});

export const listFilesOutput = z.object({
  files: z.array(fileOutput),
  /** Pass as `cursor` for the next page; null after the last one. */
  nextCursor: z.string().nullable(),
});

export const deleteFileInput = z.object({
  key: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024, 'is too long'),
});

export const deleteFileOutput = z.object({
  key: z.string(),
  /** False when there was no such file (already deleted): deleting is idempotent. */
  deleted: z.boolean(),
});

export type FileOutput = z.infer<typeof fileOutput>;
