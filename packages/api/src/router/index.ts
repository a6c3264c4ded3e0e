import type { RouteTable } from '../routes/define';
import { uploadRoutes } from '../routes/table';
import { router } from '../trpc';
import { authRouter } from './auth';
import { filesRouter } from './files';
import { createUploadRouter } from './upload';

/** The API on a route table: `appRouter` is it on the product's `uploadRoutes`. */
export function createAppRouter<const T extends RouteTable>(routes: T) {
  return router({
    auth: authRouter,
    upload: createUploadRouter(routes),
    files: filesRouter,
  });
}

export const appRouter = createAppRouter(uploadRoutes);

export type AppRouter = typeof appRouter;
