import { TRPCError } from '@trpc/server';
import { devSignInInput, devSignInOutput } from '../schemas/auth';
import { publicProcedure, router } from '../trpc';

export const authRouter = router({
  /** Development sign-in: anyone may pick a name. Enabled only with AUTH_DEV_SIGN_IN=true. */
  devSignIn: publicProcedure
    .input(devSignInInput)
    .output(devSignInOutput)
    .mutation(async ({ ctx, input }) => {
      if (!ctx.devSignIn) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: 'Dev sign-in is disabled on this server (AUTH_DEV_SIGN_IN=true enables it); sign in through your identity provider.',
        });
      }
      return ctx.devSignIn(input.name);
    }),
});
