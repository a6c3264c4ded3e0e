import type { z } from 'zod';
import { completeMultipart, abortMultipart, listParts, signParts, startMultipart } from '../multipart';
import { enforceRateLimit } from '../rate-limit';
import type { RouteTable } from '../routes/define';
import { answerComplete } from '../routes/finish';
import { resolveRoutes } from '../routes/rules';
import {
  abortOutput,
  listPartsOutput,
  multipartCompleteInput,
  multipartStartOutput,
  multipartTargetInput,
  signPartsInput,
  type SignPartsOutput,
} from '../schemas/multipart';
import { protectedProcedure, router } from '../trpc';

type StartInput<N extends string> = z.ZodType<
  { fileName: string; contentType: string; size: number; route: N },
  { fileName: string; contentType: string; size: number; route?: N | undefined }
>;

/** Large files in parts: same rules as `upload.requestUrl` (the route's), plus per-part signed lengths and MD5s. */
export function createMultipartRouter<T extends RouteTable>(table: T, startInput: StartInput<keyof T & string>) {
  return router({
    start: protectedProcedure
      .input(startInput)
      .output(multipartStartOutput)
      .mutation(async ({ ctx, input }) => {
        await enforceRateLimit(ctx, 'requestUrl');
        return startMultipart(ctx, resolveRoutes(table, ctx.policy).get(input.route)!, input);
      }),

    /** Called once per batch of parts; its answer is checked against `signPartsOutput` by the tests. */
    signParts: protectedProcedure.input(signPartsInput).mutation(async ({ ctx, input }): Promise<SignPartsOutput> => {
      await enforceRateLimit(ctx, 'signParts');
      return signParts(ctx, resolveRoutes(table, ctx.policy), input);
    }),

    listParts: protectedProcedure
      .input(multipartTargetInput)
      .output(listPartsOutput)
      .mutation(async ({ ctx, input }) => {
        await enforceRateLimit(ctx, 'listParts');
        return { parts: await listParts(ctx, input) };
      }),

    complete: protectedProcedure.input(multipartCompleteInput).mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'complete');
      return answerComplete<T>(ctx, await completeMultipart(ctx, resolveRoutes(table, ctx.policy), input));
    }),

    abort: protectedProcedure
      .input(multipartTargetInput)
      .output(abortOutput)
      .mutation(async ({ ctx, input }) => {
        await enforceRateLimit(ctx, 'abort');
        return abortMultipart(ctx, input);
      }),
  });
}
