import { TRPCError } from '@trpc/server';
import { bytesToCheck, checkContent } from './content';
import { ObjectUnreadableError, type Context, type StoredObject, type User } from './context';
import { downloadResponse } from './download';
import { finalKeyOf, stagingPrefix, STAGED_KEY_PATTERN } from './key';
import { checkFile, formatBytes, normalizeContentType } from './policy';
import { commitQuota, releaseQuota, uncommitQuota } from './quota';
import { declaredFields, fileMetadata, SEAL_META } from './seal';
import { callStorage } from './storage-error';

type Ctx = Context & { user: User };

/** Why a staged object is not what was signed and allowed, or null. */
async function problemWith(ctx: Ctx, key: string, object: StoredObject): Promise<string | null> {
  const declared = declaredFields(key, object.metadata);
  const { size: declaredSize, contentType: declaredType } = declared;
  const storedType = normalizeContentType(object.contentType ?? '');
  if (object.size !== declaredSize) {
    return `its size is ${formatBytes(object.size)} but ${formatBytes(declaredSize)} was signed`;
  }
  if (storedType !== declaredType) return `its type is "${storedType}" but "${declaredType}" was signed`;
  // Declared size and type are only worth something if they were signed for this very key.
  const sealed = await ctx.storage.sealer.verify(declared, object.metadata[SEAL_META]);
  if (!sealed) return 'it did not arrive through the upload link issued for this key (it carries metadata signed for another file, or none)';
  const policy = checkFile(ctx.policy, { type: storedType, size: object.size });
  if (policy) return policy.message;
  const bytes = await callStorage(() => ctx.storage.readStart(key, bytesToCheck(declaredType, object.size), object.etag));
  return checkContent(bytes, declaredType, object.size > bytes.length);
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
export async function downloadLink(ctx: Ctx, key: string, object: StoredObject) {
  const contentType = normalizeContentType(object.contentType ?? '');
  // A download link lives as long as an upload link, so the preview after `complete` works at once.
  const url = await callStorage(() => ctx.storage.presignGet(key, ctx.policy.urlTtlSeconds, downloadResponse(key, contentType)));
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
export async function completeUpload(ctx: Ctx, key: string) {
  await assertOwnStagedKey(ctx, key);
  try {
    return await verifyAndPromote(ctx, key);
  } catch (error) {
    const cause = error instanceof TRPCError ? error.cause : error;
    if (cause instanceof ObjectUnreadableError) return refuseUnreadable(ctx, key, cause);
    throw error;
  }
}

async function verifyAndPromote(ctx: Ctx, key: string) {
  const finalKey = finalKeyOf(key);
  const [staged, done] = await Promise.all([callStorage(() => ctx.storage.headObject(key)), callStorage(() => ctx.storage.headObject(finalKey))]);
  if (done) {
    // Already completed: a second upload through the same URL is discarded, never promoted.
    if (staged) {
      await callStorage(() => ctx.storage.deleteObject(key));
      await releaseQuota(ctx, key);
    }
    return { key: finalKey, object: done };
  }
  if (!staged) {
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: 'No file was uploaded under this key (or its upload link expired): upload it, then call complete.',
    });
  }
  const problem = await problemWith(ctx, key, staged);
  if (problem) {
    await callStorage(() => ctx.storage.deleteObject(key));
    await releaseQuota(ctx, key);
    throw new TRPCError({ code: 'BAD_REQUEST', message: `The uploaded file was removed: ${problem}.` });
  }
  // The ledger, not a listing of the user's files, decides: one atomic step, whatever they hold.
  try {
    await commitQuota(ctx, key, staged.size);
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'PAYLOAD_TOO_LARGE') {
      await callStorage(() => ctx.storage.deleteObject(key));
      await releaseQuota(ctx, key);
    }
    throw error;
  }
  // The final object gets the signed type and our metadata only: nothing the uploader added to the
  // request (Content-Disposition, Cache-Control, x-amz-meta-*, tags, a website redirect) survives.
  const declaredType = normalizeContentType(staged.contentType ?? '');
  const metadata = fileMetadata({ ...declaredFields(key, staged.metadata), size: staged.size, contentType: declaredType });
  try {
    await callStorage(() => ctx.storage.copyObject({ source: key, target: finalKey, etag: staged.etag, size: staged.size, contentType: declaredType, metadata }));
  } catch (error) {
    await uncommitQuota(ctx, key, staged.size);
    throw error;
  }
  await callStorage(() => ctx.storage.deleteObject(key));
  // A count taken during the copy may have held the staged bytes again: they are gone now.
  await releaseQuota(ctx, key);
  return { key: finalKey, object: staged };
}
