import { TRPCError } from '@trpc/server';
import { bytesToCheck, checkContent, SNIFF_BYTES } from './content';
import { METADATA_CHECK_BYTES, metadataProblem } from './image-metadata';
import { ObjectUnreadableError, ROUTE_META, type Context, type StoredObject, type User } from './context';
import { downloadResponse } from './download';
import { DEFAULT_ROUTE, finalKeyOf, stagingPrefix, STAGED_KEY_PATTERN } from './key';
import { checkFile, formatBytes, normalizeContentType } from './policy';
import { commitQuota, releaseQuota, uncommitQuota } from './quota';
import { promoteCounted, tooMany } from './routes/file-count';
import type { ResolvedRoute } from './routes/rules';
import { declaredFields, fileMetadata, SEAL_META } from './seal';
import { callStorage } from './storage-error';

type Ctx = Context & { user: User };

/** The routes of the table `complete` applies, by name (`resolveRoutes`). */
export type Routes = ReadonlyMap<string, ResolvedRoute>;

/** A verified, final file, the route whose rules it passed, and the files it replaced. */
export interface Completed {
  key: string;
  object: StoredObject;
  route: ResolvedRoute;
  replaced: string[];
}

/** The route a file was signed for (its sealed metadata); a route no longer in the table, null. */
const routeOf = (routes: Routes, object: StoredObject) => routes.get(object.metadata[ROUTE_META] ?? DEFAULT_ROUTE) ?? null;

/** A staged object as one ranged GET found it: the object and its first bytes. */
interface Staged {
  object: StoredObject;
  bytes: Uint8Array;
}

/** Whether the route strips photo metadata, so `complete` checks an image's header for it. */
const stripsMetadata = (route: ResolvedRoute | undefined) => route !== undefined && route.rules.image !== null && route.rules.image.stripMetadata !== false;

/**
 * How many bytes `complete` reads with the object's headers: what the content check of its key's
 * route needs (a route that strips photo metadata reads its header), so most files take one GET.
 */
const firstRead = (routes: Routes, key: string) => (stripsMetadata(routes.get(key.split('/')[2] ?? '')) ? METADATA_CHECK_BYTES : SNIFF_BYTES);

/** Why a staged object is not what was signed and allowed by its route; else the route. */
async function check(ctx: Ctx, routes: Routes, key: string, staged: Staged): Promise<{ problem: string } | { route: ResolvedRoute }> {
  const problem = await problemWith(ctx, routes, key, staged);
  return typeof problem === 'string' ? { problem } : { route: problem };
}

async function problemWith(ctx: Ctx, routes: Routes, key: string, { object, bytes: first }: Staged): Promise<string | ResolvedRoute> {
  const declared = declaredFields(key, object.metadata);
  const { size: declaredSize, contentType: declaredType } = declared;
  const storedType = normalizeContentType(object.contentType ?? '');
  const notThroughLink = 'it did not arrive through the upload link issued for this key (it carries metadata signed for another file, or none)';
  if (!Number.isSafeInteger(declaredSize)) return notThroughLink;
  if (object.size !== declaredSize) {
    return `its size is ${formatBytes(object.size)} but ${formatBytes(declaredSize)} was signed`;
  }
  if (storedType !== declaredType) return `its type is "${storedType}" but "${declaredType}" was signed`;
  // Declared size and type are only worth something if they were signed for this very key.
  const sealed = await ctx.storage.sealer.verify(declared, object.metadata[SEAL_META]);
  if (!sealed) return notThroughLink;
  // The sealed route's rules, as the table says now: never a route the client names later.
  const route = routes.get(declared.route);
  if (!route) return `it was signed for the route "${declared.route}", which this server no longer has`;
  if (key.split('/')[2] !== declared.route) return `it was signed for the route "${declared.route}", not the one in its key`;
  const policy = checkFile(route.policy, { type: storedType, size: object.size });
  if (policy) return route.rules.name === DEFAULT_ROUTE ? policy.message : `${policy.message} (route "${route.rules.name}")`;
  // A route that strips photo metadata re-checks it here: a client may skip the browser's step.
  const strip = stripsMetadata(route);
  const length = strip ? Math.max(bytesToCheck(declaredType, object.size), Math.min(object.size, METADATA_CHECK_BYTES)) : bytesToCheck(declaredType, object.size);
  // More than the first read holds (a whole SVG or text file) is read from that same version.
  const bytes = first.length >= length ? first.subarray(0, length) : await callStorage(() => ctx.storage.readStart(key, length, object.etag));
  const truncated = object.size > bytes.length;
  const content = await checkContent(bytes, declaredType, truncated);
  if (content) return content;
  const metadata = strip ? metadataProblem(bytes, declaredType, truncated) : null;
  return metadata ? `${metadata}, which the route "${route.rules.name}" removes: upload it through the page, which strips it` : route;
}

/**
 * An upload sent with ACL grants of its own (`x-amz-grant-*`, `x-amz-acl`) can leave the server
 * without access to it: that is the uploader's doing, so it is a BAD_REQUEST, and the object goes.
 */
async function refuseUnreadable(ctx: Ctx, key: string, cause: ObjectUnreadableError): Promise<never> {
  const removed = await ctx.storage.deleteObject(key).then(
    async () => {
      await releaseQuota(ctx, key);
      return 'The uploaded file was removed';
    },
    () => 'The uploaded file could not be removed (it expires from staging)',
  );
  throw new TRPCError({
    code: 'BAD_REQUEST',
    message: `${removed}: it was sent with access grants of its own (x-amz-acl or x-amz-grant-* headers) that lock the server out of it. Upload it again with exactly the headers or fields requestUrl returned.`,
    cause,
  });
}

/** The answer to a `complete`: the final file and a short-lived link that downloads it safely. */
export async function downloadLink(ctx: Ctx, key: string, object: StoredObject, ttlSeconds = ctx.policy.urlTtlSeconds) {
  const contentType = normalizeContentType(object.contentType ?? '');
  // A download link lives as long as an upload link, so the preview after `complete` works at once.
  const url = await callStorage(() => ctx.storage.presignGet(key, ttlSeconds, downloadResponse(key, contentType)));
  return { key, size: object.size, contentType, url };
}

/** The key must be one `requestUrl` or `multipart.start` issued to this user. */
export async function assertOwnStagedKey(ctx: Ctx, key: string): Promise<void> {
  // Checked before any storage call, so the answer never reveals whether another user's key exists.
  if (!key.startsWith(await stagingPrefix(ctx.user.id))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This key was not issued to you.' });
  }
  if (!STAGED_KEY_PATTERN.test(key)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'key: not a key issued by upload.requestUrl.' });
  }
}

/**
 * Verifies a staged upload and promotes it to its final key: size and type as signed, allowed by
 * the policy, content matching its type, within quota. Only this exact verified version is copied,
 * so re-using the upload URL can never change or replace a final file.
 */
export async function completeUpload(ctx: Ctx, routes: Routes, key: string): Promise<Completed> {
  await assertOwnStagedKey(ctx, key);
  try {
    return await verifyAndPromote(ctx, routes, key);
  } catch (error) {
    const cause = error instanceof TRPCError ? error.cause : error;
    if (cause instanceof ObjectUnreadableError) return refuseUnreadable(ctx, key, cause);
    throw error;
  }
}

/** The staged file goes and its hold with it: it will never be promoted. */
async function discard(ctx: Ctx, key: string): Promise<void> {
  await callStorage(() => ctx.storage.deleteObject(key));
  await releaseQuota(ctx, key);
}

async function verifyAndPromote(ctx: Ctx, routes: Routes, key: string): Promise<Completed> {
  const finalKey = finalKeyOf(key);
  const [staged, done] = await Promise.all([callStorage(() => ctx.storage.readObject(key, firstRead(routes, key))), callStorage(() => ctx.storage.headObject(finalKey))]);
  if (done) {
    // Already completed: a second upload through the same URL is discarded, never promoted.
    if (staged) await discard(ctx, key);
    const route = routeOf(routes, done);
    if (!route) throw new TRPCError({ code: 'NOT_FOUND', message: `This file's route "${done.metadata[ROUTE_META]}" no longer exists on this server.` });
    return { key: finalKey, object: done, route, replaced: [] };
  }
  if (!staged) {
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: 'No file was uploaded under this key (or its upload link expired): upload it, then call complete.',
    });
  }
  const checked = await check(ctx, routes, key, staged);
  if ('problem' in checked) {
    await discard(ctx, key);
    throw new TRPCError({ code: 'BAD_REQUEST', message: `The uploaded file was removed: ${checked.problem}.` });
  }
  const { route } = checked;
  const refuse = async (): Promise<never> => {
    await discard(ctx, key);
    throw tooMany(route);
  };
  const replaced = await promoteCounted(ctx, route, finalKey, refuse, () => promote(ctx, route, key, finalKey, staged.object));
  return { key: finalKey, object: staged.object, route, replaced };
}

/** Commits the quota and copies this verified version to its final key. */
async function promote(ctx: Ctx, route: ResolvedRoute, key: string, finalKey: string, staged: StoredObject): Promise<void> {
  const ttl = route.rules.urlTtlSeconds;
  // The ledger, not a listing of the user's files, decides: one atomic step, whatever they hold.
  try {
    await commitQuota(ctx, key, staged.size, ttl);
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'PAYLOAD_TOO_LARGE') await discard(ctx, key);
    throw error;
  }
  // The final object gets the signed type and our metadata only: nothing the uploader added to the
  // request (Content-Disposition, Cache-Control, x-amz-meta-*, tags, a website redirect) survives.
  const declaredType = normalizeContentType(staged.contentType ?? '');
  const metadata = fileMetadata({ ...declaredFields(key, staged.metadata), size: staged.size, contentType: declaredType });
  try {
    await callStorage(() => ctx.storage.copyObject({ source: key, target: finalKey, etag: staged.etag, size: staged.size, contentType: declaredType, metadata }));
  } catch (error) {
    await uncommitQuota(ctx, key, staged.size, ttl);
    throw error;
  }
  await callStorage(() => ctx.storage.deleteObject(key));
  // A count taken during the copy may have held the staged bytes again: they are gone now.
  await releaseQuota(ctx, key);
}
