import { router } from '../trpc';
import { authRouter } from './auth';
import { uploadRouter } from './upload';

export const appRouter = router({
  auth: authRouter,
  upload: uploadRouter,
});

export type AppRouter = typeof appRouter;
