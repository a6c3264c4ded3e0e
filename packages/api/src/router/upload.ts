import { TRPCError } from '@trpc/server';
import { completeUpload } from '../complete';
import { defaultStoreCapabilities, formatBytes, SINGLE_PUT_MAX_BYTES, type StoreChecksum, type UploadMethod } from '../policy';
import { releaseQuota, reserveQuota } from '../quota';
import { enforceRateLimit } from '../rate-limit';
import type { RouteTable, RouteTypesOf } from '../routes/define';
import { assertRoomFor } from '../routes/file-count';
import { answerComplete } from '../routes/finish';
import { prepareUpload } from '../routes/prepare';
import { resolveRoutes, type RouteRules } from '../routes/rules';
import { declaredMetadata } from '../seal';
import { completeInput, policyOutput, requestUrlInput, routeNameSchema, type RequestUrlOutput } from '../schemas/upload';
import { callStorage } from '../storage-error';
import { protectedProcedure, publicProcedure, router } from '../trpc';
import { createMultipartRouter } from './multipart';

/** `upload.routes`' answer: each route's rules, its types as the table names them (see RouteTypesOf). */
export type RoutesAnswer<T extends RouteTable> = {
  checksum: StoreChecksum;
  uploadMethods: UploadMethod[];
  routes: { [N in keyof T & string]: Omit<RouteRules, 'name' | 'allowedTypes'> & { name: N; allowedTypes: Array<RouteTypesOf<T[N]>> } };
};

/** The upload procedures for a route table (`uploadRoutes` in the product; any table in tests). */
export function createUploadRouter<const T extends RouteTable>(table: T) {
  const names = Object.keys(table) as [keyof T & string, ...Array<keyof T & string>];
  const routeInput = requestUrlInput.extend({ route: routeNameSchema(names) });

  return router({
    /** The effective policy of the `default` route, so the browser checks files with the server's numbers. */
    policy: publicProcedure.output(policyOutput).query(({ ctx }) => ({
      allowedTypes: [...ctx.policy.allowedTypes],
      maxBytes: ctx.policy.maxBytes,
      urlTtlSeconds: ctx.policy.urlTtlSeconds,
      multipartThresholdBytes: ctx.policy.multipartThresholdBytes,
      multipartConcurrency: ctx.policy.multipartConcurrency,
      checksum: (ctx.store ?? defaultStoreCapabilities).checksum,
      uploadMethods: [...(ctx.store ?? defaultStoreCapabilities).uploadMethods],
    })),

    /** Every route's effective rules (its options over the `UPLOAD_*` settings), so the browser checks a file before asking. */
    routes: publicProcedure.query(({ ctx }): RoutesAnswer<T> => {
      const store = ctx.store ?? defaultStoreCapabilities;
      const routes = Object.fromEntries([...resolveRoutes(table, ctx.policy)].map(([name, r]) => [name, r.rules]));
      return { checksum: store.checksum, uploadMethods: [...store.uploadMethods], routes } as RoutesAnswer<T>;
    }),

    /**
     * Signs an upload of exactly this type and size to a fresh staging key on its route. The hottest
     * call: its answer is checked against `requestUrlOutput` by the tests, not on every request
     * (zod's URL and date checks cost about as much as the signing).
     */
    requestUrl: protectedProcedure.input(routeInput).mutation(async ({ ctx, input }): Promise<RequestUrlOutput> => {
      await enforceRateLimit(ctx, 'requestUrl');
      if (!(ctx.store ?? defaultStoreCapabilities).uploadMethods.includes(input.method)) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `This store does not enforce ${input.method} upload policies (see pnpm s3:doctor): upload with method "PUT".`,
        });
      }
      const route = resolveRoutes(table, ctx.policy).get(input.route)!;
      if (input.size > SINGLE_PUT_MAX_BYTES && input.size <= route.rules.maxBytes) {
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `One request carries at most ${formatBytes(SINGLE_PUT_MAX_BYTES)}: upload this file with upload.multipart.start.`,
        });
      }
      const { key, contentType, fields } = await prepareUpload(ctx, route, input);
      await assertRoomFor(ctx, route);
      const expiresIn = route.rules.urlTtlSeconds;
      await reserveQuota(ctx, key, input.size, expiresIn);
      const now = ctx.now?.() ?? new Date();
      const expiresAt = new Date(now.getTime() + expiresIn * 1000).toISOString();
      const request = { key, contentType, size: input.size, expiresIn, metadata: await declaredMetadata(ctx.storage.sealer, fields) };
      try {
        if (input.method === 'POST') {
          const { url, fields: form } = await callStorage(() => ctx.storage.presignPost(request));
          return { method: 'POST' as const, key, expiresAt, url, fields: form };
        }
        const { url, headers } = await callStorage(() => ctx.storage.presignPut(request));
        return { method: 'PUT' as const, key, expiresAt, url, headers };
      } catch (error) {
        await releaseQuota(ctx, key);
        throw error;
      }
    }),

    /**
     * Verifies the uploaded file under the rules of the route it was signed for and makes it final;
     * answers with a short-lived download link and the route's `onUploadComplete` data.
     */
    complete: protectedProcedure.input(completeInput).mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'complete');
      return answerComplete<T>(ctx, await completeUpload(ctx, resolveRoutes(table, ctx.policy), input.key));
    }),

    multipart: createMultipartRouter(table, routeInput.omit({ method: true })),
  });
}
