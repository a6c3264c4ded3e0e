import { TRPCError } from '@trpc/server';
import { completeUpload, downloadLink } from '../complete';
import { DEFAULT_ROUTE, generateKey } from '../key';
import { encodeOriginalName } from '../original-name';
import { checkFile, defaultStoreCapabilities, formatBytes, normalizeContentType, SINGLE_PUT_MAX_BYTES } from '../policy';
import { releaseQuota, reserveQuota } from '../quota';
import { declaredMetadata } from '../seal';
import { enforceRateLimit } from '../rate-limit';
import { completeInput, completeOutput, policyOutput, requestUrlInput, type RequestUrlOutput } from '../schemas/upload';
import { callStorage } from '../storage-error';
import { protectedProcedure, publicProcedure, router } from '../trpc';
import { multipartRouter } from './multipart';
import { emitFileEvent, fileEventData } from '../file-event';

export const uploadRouter = router({
  /** The effective policy, so the browser checks files with the server's numbers. */
  policy: publicProcedure.output(policyOutput).query(({ ctx }) => ({
    allowedTypes: [...ctx.policy.allowedTypes],
    maxBytes: ctx.policy.maxBytes,
    urlTtlSeconds: ctx.policy.urlTtlSeconds,
    multipartThresholdBytes: ctx.policy.multipartThresholdBytes,
    multipartConcurrency: ctx.policy.multipartConcurrency,
    checksum: (ctx.store ?? defaultStoreCapabilities).checksum,
    uploadMethods: [...(ctx.store ?? defaultStoreCapabilities).uploadMethods],
  })),

  /**
   * Signs an upload of exactly this type and size to a fresh staging key. The hottest call: its
   * answer is checked against `requestUrlOutput` by the tests, not on every request (zod's URL and
   * date checks cost about as much as the signing).
   */
  requestUrl: protectedProcedure.input(requestUrlInput).mutation(async ({ ctx, input }): Promise<RequestUrlOutput> => {
    await enforceRateLimit(ctx, 'requestUrl');
    if (!(ctx.store ?? defaultStoreCapabilities).uploadMethods.includes(input.method)) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `This store does not enforce ${input.method} upload policies (see pnpm s3:doctor): upload with method "PUT".`,
      });
    }
    const contentType = normalizeContentType(input.contentType);
    const violation = checkFile(ctx.policy, { type: contentType, size: input.size });
    if (!violation && input.size > SINGLE_PUT_MAX_BYTES) {
      throw new TRPCError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `One request carries at most ${formatBytes(SINGLE_PUT_MAX_BYTES)}: upload this file with upload.multipart.start.`,
      });
    }
    if (violation) {
      throw new TRPCError({
        code: violation.reason === 'TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
        message: violation.message,
      });
    }
    const key = await generateKey(ctx.user.id, DEFAULT_ROUTE, input.fileName, contentType, ctx.now?.().getTime());
    await reserveQuota(ctx, key, input.size);
    const expiresIn = ctx.policy.urlTtlSeconds;
    const now = ctx.now?.() ?? new Date();
    const expiresAt = new Date(now.getTime() + expiresIn * 1000).toISOString();
    const request = {
      key,
      contentType,
      size: input.size,
      expiresIn,
      metadata: await declaredMetadata(ctx.storage.sealer, {
        key,
        size: input.size,
        contentType,
        route: DEFAULT_ROUTE,
        originalName: encodeOriginalName(input.fileName),
      }),
    };
    try {
      if (input.method === 'POST') {
        const { url, fields } = await callStorage(() => ctx.storage.presignPost(request));
        return { method: 'POST' as const, key, expiresAt, url, fields };
      }
      const { url, headers } = await callStorage(() => ctx.storage.presignPut(request));
      return { method: 'PUT' as const, key, expiresAt, url, headers };
    } catch (error) {
      await releaseQuota(ctx, key);
      throw error;
    }
  }),

  /** Verifies the uploaded file and makes it final; answers with a short-lived download link. */
  complete: protectedProcedure
    .input(completeInput)
    .output(completeOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'complete');
      const { key, object } = await completeUpload(ctx, input.key);
      await emitFileEvent(ctx, 'file.uploaded', fileEventData(ctx.user, key, object));
      return downloadLink(ctx, key, object);
    }),

  multipart: multipartRouter,
});
