import { downloadLink } from '../complete';
import { abortMultipart, completeMultipart, listParts, signParts, startMultipart } from '../multipart';
import { enforceRateLimit } from '../rate-limit';
import { completeOutput } from '../schemas/upload';
import {
  abortOutput,
  listPartsOutput,
  multipartCompleteInput,
  multipartStartInput,
  multipartStartOutput,
  multipartTargetInput,
  signPartsInput,
  type SignPartsOutput,
} from '../schemas/multipart';
import { protectedProcedure, router } from '../trpc';
import { emitFileEvent, fileEventData } from '../file-event';

/** Large files in parts: same rules as `upload.requestUrl`, plus per-part signed lengths and MD5s. */
export const multipartRouter = router({
  start: protectedProcedure
    .input(multipartStartInput)
    .output(multipartStartOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'requestUrl');
      return startMultipart(ctx, input);
    }),

  /** Called once per batch of parts; its answer is checked against `signPartsOutput` by the tests. */
  signParts: protectedProcedure.input(signPartsInput).mutation(async ({ ctx, input }): Promise<SignPartsOutput> => {
    await enforceRateLimit(ctx, 'signParts');
    return signParts(ctx, input);
  }),

  listParts: protectedProcedure
    .input(multipartTargetInput)
    .output(listPartsOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'listParts');
      return { parts: await listParts(ctx, input) };
    }),

  complete: protectedProcedure
    .input(multipartCompleteInput)
    .output(completeOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'complete');
      const { key, object } = await completeMultipart(ctx, input);
      await emitFileEvent(ctx, 'file.uploaded', fileEventData(ctx.user, key, object));
      return downloadLink(ctx, key, object);
    }),

  abort: protectedProcedure
    .input(multipartTargetInput)
    .output(abortOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'abort');
      return abortMultipart(ctx, input);
    }),
});
