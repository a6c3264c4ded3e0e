import { TRPCError } from '@trpc/server';
import { DECLARED_SIZE_META, DECLARED_TYPE_META } from '../context';
import { generateKey, KEY_PATTERN, userPrefix } from '../key';
import { checkFile, formatBytes, normalizeContentType } from '../policy';
import { completeInput, completeOutput, policyOutput, requestUrlInput, requestUrlOutput } from '../schemas/upload';
import { callStorage } from '../storage-error';
import { protectedProcedure, publicProcedure, router } from '../trpc';

/** A download link lives as long as an upload link, so the preview after `complete` works at once. */
export const uploadRouter = router({
  /** The effective policy, so the browser checks files with the server's numbers. */
  policy: publicProcedure.output(policyOutput).query(({ ctx }) => ({
    allowedTypes: [...ctx.policy.allowedTypes],
    maxBytes: ctx.policy.maxBytes,
    urlTtlSeconds: ctx.policy.urlTtlSeconds,
  })),

  requestUrl: protectedProcedure
    .input(requestUrlInput)
    .output(requestUrlOutput)
    .mutation(async ({ ctx, input }) => {
      const contentType = normalizeContentType(input.contentType);
      const violation = checkFile(ctx.policy, { type: contentType, size: input.size });
      if (violation) {
        throw new TRPCError({
          code: violation.reason === 'TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
          message: violation.message,
        });
      }
      const key = await generateKey(ctx.user.id, input.fileName, contentType);
      const expiresIn = ctx.policy.urlTtlSeconds;
      const now = ctx.now?.() ?? new Date();
      const expiresAt = new Date(now.getTime() + expiresIn * 1000).toISOString();
      const request = {
        key,
        contentType,
        size: input.size,
        expiresIn,
        metadata: { [DECLARED_SIZE_META]: String(input.size), [DECLARED_TYPE_META]: contentType },
      };
      if (input.method === 'POST') {
        const { url, fields } = await callStorage(() => ctx.storage.presignPost(request));
        return { method: 'POST' as const, key, expiresAt, url, fields };
      }
      const { url, headers } = await callStorage(() => ctx.storage.presignPut(request));
      return { method: 'PUT' as const, key, expiresAt, url, headers };
    }),

  complete: protectedProcedure
    .input(completeInput)
    .output(completeOutput)
    .mutation(async ({ ctx, input }) => {
      const { key } = input;
      // Checked before any storage call, so the answer never reveals whether another user's key exists.
      if (!key.startsWith(await userPrefix(ctx.user.id))) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'This key does not belong to you.' });
      }
      if (!KEY_PATTERN.test(key)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'key: not a key issued by upload.requestUrl.' });
      }
      const object = await callStorage(() => ctx.storage.headObject(key));
      if (!object) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: 'No file was uploaded under this key (or its upload link expired): upload it, then call complete.',
        });
      }
      const declaredSize = Number(object.metadata[DECLARED_SIZE_META]);
      const declaredType = object.metadata[DECLARED_TYPE_META];
      const storedType = normalizeContentType(object.contentType ?? '');
      const problem =
        object.size !== declaredSize
          ? `its size is ${formatBytes(object.size)} but ${formatBytes(declaredSize)} was signed`
          : storedType !== declaredType
            ? `its type is "${storedType}" but "${declaredType}" was signed`
            : checkFile(ctx.policy, { type: storedType, size: object.size })?.message;
      if (problem) {
        await callStorage(() => ctx.storage.deleteObject(key));
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `The uploaded file was removed: ${problem}`,
        });
      }
      const url = await callStorage(() => ctx.storage.presignGet(key, ctx.policy.urlTtlSeconds));
      return { key, size: object.size, contentType: storedType, url };
    }),
});
