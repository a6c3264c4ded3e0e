import { TRPCError } from '@trpc/server';
import { checkContent, SNIFF_BYTES } from './content';
import { DECLARED_SIZE_META, DECLARED_TYPE_META, type Context, type StoredObject, type User } from './context';
import { finalKeyOf, stagingPrefix, STAGED_KEY_PATTERN } from './key';
import { checkFile, formatBytes, normalizeContentType } from './policy';
import { commitQuota, releaseQuota, uncommitQuota } from './quota';
import { callStorage } from './storage-error';

type Ctx = Context & { user: User };

/** Why a staged object is not what was signed and allowed, or null. */
async function problemWith(ctx: Ctx, key: string, object: StoredObject): Promise<string | null> {
  const declaredSize = Number(object.metadata[DECLARED_SIZE_META]);
  const declaredType = object.metadata[DECLARED_TYPE_META] ?? '';
  const storedType = normalizeContentType(object.contentType ?? '');
  if (object.size !== declaredSize) {
    return `its size is ${formatBytes(object.size)} but ${formatBytes(declaredSize)} was signed`;
  }
  if (storedType !== declaredType) return `its type is "${storedType}" but "${declaredType}" was signed`;
  const policy = checkFile(ctx.policy, { type: storedType, size: object.size });
  if (policy) return policy.message;
  const start = await callStorage(() => ctx.storage.readStart(key, SNIFF_BYTES, object.etag));
  return checkContent(start, declaredType, object.size > start.length);
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
  const finalKey = finalKeyOf(key);
  const [staged, done] = await Promise.all([
    callStorage(() => ctx.storage.headObject(key)),
    callStorage(() => ctx.storage.headObject(finalKey)),
  ]);
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
  try {
    await callStorage(() => ctx.storage.copyObject(key, finalKey, staged.etag, staged.size));
  } catch (error) {
    await uncommitQuota(ctx, key, staged.size);
    throw error;
  }
  await callStorage(() => ctx.storage.deleteObject(key));
  // A count taken during the copy may have held the staged bytes again: they are gone now.
  await releaseQuota(ctx, key);
  return { key: finalKey, object: staged };
}
