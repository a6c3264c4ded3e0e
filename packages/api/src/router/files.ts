import { deleteFile, listFiles } from '../files';
import { countSoon } from '../quota';
import { enforceRateLimit } from '../rate-limit';
import { deleteFileInput, deleteFileOutput, listFilesInput, listFilesOutput } from '../schemas/files';
import { protectedProcedure, router } from '../trpc';

export const filesRouter = router({
  /** The caller's verified files, a page at a time, each with a short-lived download link. */
  list: protectedProcedure
    .input(listFilesInput)
    .output(listFilesOutput)
    .query(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'listFiles');
      // The page lists files when it opens: a good moment to count the user's bytes for their first upload.
      if (!input.cursor) countSoon(ctx);
      return listFiles(ctx, input);
    }),

  /** Deletes one of the caller's files; deleting it again answers `deleted: false`. */
  delete: protectedProcedure
    .input(deleteFileInput)
    .output(deleteFileOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'deleteFile');
      return deleteFile(ctx, input.key);
    }),
});
