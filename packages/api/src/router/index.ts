import { router } from '../trpc';
import { authRouter } from './auth';
import { filesRouter } from './files';
import { uploadRouter } from './upload';

export const appRouter = router({
  auth: authRouter,
  upload: uploadRouter,
  files: filesRouter,
});

export type AppRouter = typeof appRouter;
