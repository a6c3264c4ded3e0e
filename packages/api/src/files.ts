import { TRPCError } from '@trpc/server';
import { ORIGINAL_NAME_META, type Context, type ListedObject, type User } from './context';
import { openPosition, sealPosition } from './cursor';
import { downloadResponse } from './download';
import { emitFileEvent } from './file-event';
import { parseFinalKey, routePrefix, userPrefix, userSegment } from './key';
import { decodeOriginalName } from './original-name';
import { EXTENSIONS, normalizeContentType } from './policy';
import { removeFromQuota } from './quota';
import type { FileOutput } from './schemas/files';
import { callStorage } from './storage-error';

type Ctx = Context & { user: User };

/**
 * A listing has no types or metadata (ListObjectsV2), and the original name is only in the
 * metadata (the key's slug has lost it): each listed file is HEADed, this many at a time. 100
 * HEADs on the local Ceph RGW (apps/server/test/files-list.manual.ts, a loaded 2-core machine,
 * median of 5): 2.2 s one at a time, 1.8 s at 4, 1.1 s at 8 and at 16, 1.1 s at 32. 16 keeps a
 * full page near the best time without more sockets in flight than the SDK's default pool (50).
 */
export const HEAD_CONCURRENCY = 16;

async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const SAME_EXTENSION: Readonly<Record<string, string>> = { jpeg: 'jpg', jpe: 'jpg', htm: 'html', tif: 'tiff', qt: 'mov' };

/**
 * The name a download is saved under: the original, with the extension of its verified type when
 * it has another one, so `photo.html` that is a PNG is saved as `photo.html.png`, never run as a page.
 */
export function downloadName(name: string, contentType: string): string {
  const ext = EXTENSIONS[contentType];
  if (!ext) return name;
  const own = /\.([^.]{1,16})$/.exec(name)?.[1]?.toLowerCase();
  return own && (SAME_EXTENSION[own] ?? own) === ext ? name : `${name}.${ext}`;
}

/** A listed file as the client sees it; null if it is not a verified file, or went since the listing. */
async function describe(ctx: Ctx, listed: ListedObject): Promise<FileOutput | null> {
  const parts = parseFinalKey(listed.key);
  if (!parts) return null;
  const object = await callStorage(() => ctx.storage.headObject(listed.key));
  if (!object) return null;
  const contentType = normalizeContentType(object.contentType ?? '');
  const name = decodeOriginalName(object.metadata[ORIGINAL_NAME_META]) ?? `${parts.slug}.${parts.ext}`;
  const response = downloadResponse(listed.key, contentType, downloadName(name, contentType));
  const url = await callStorage(() => ctx.storage.presignGet(listed.key, ctx.policy.urlTtlSeconds, response));
  return { key: listed.key, name, size: object.size, contentType, uploadedAt: listed.lastModified.toISOString(), route: parts.route, url };
}

/** One page of the user's verified files, in key order (see the README's files API). */
export async function listFiles(ctx: Ctx, input: { route?: string | undefined; cursor?: string | undefined; limit: number }) {
  const user = await userSegment(ctx.user.id);
  const route = input.route ?? null;
  const prefix = route === null ? await userPrefix(ctx.user.id) : await routePrefix(ctx.user.id, route);
  const after = input.cursor ? (await openPosition(ctx.storage.sealer, user, input.cursor, route, prefix)).after : undefined;
  const page = await callStorage(() => ctx.storage.listObjects(prefix, { startAfter: after, limit: input.limit }));
  const files = (await mapBounded(page.objects, HEAD_CONCURRENCY, (o) => describe(ctx, o))).filter((f): f is FileOutput => f !== null);
  const last = page.objects.at(-1)?.key;
  const nextCursor = page.continuationToken !== null && last ? await sealPosition(ctx.storage.sealer, user, { route, after: last }) : null;
  return { files, nextCursor };
}

/** Deletes one of the user's verified files; a missing one answers `deleted: false`. */
export async function deleteFile(ctx: Ctx, key: string) {
  // Checked before any storage call, as `complete` does: the answer never tells whether another user's key exists.
  if (!key.startsWith(await userPrefix(ctx.user.id))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This file is not yours.' });
  }
  const parts = parseFinalKey(key);
  if (!parts) throw new TRPCError({ code: 'BAD_REQUEST', message: 'key: not the key of a verified file (files.list and upload.complete return them).' });
  const object = await callStorage(() => ctx.storage.headObject(key));
  if (!object) return { key, deleted: false };
  await callStorage(() => ctx.storage.deleteObject(key));
  await removeFromQuota(ctx, key, object.size);
  const contentType = normalizeContentType(object.contentType ?? '');
  const name = decodeOriginalName(object.metadata[ORIGINAL_NAME_META]) ?? `${parts.slug}.${parts.ext}`;
  // Never fails the delete: the file is gone; an event that could not be persisted is logged.
  await emitFileEvent(ctx, 'file.deleted', { key, route: parts.route, userId: ctx.user.id, name, size: object.size, contentType });
  return { key, deleted: true };
}
