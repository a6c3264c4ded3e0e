import { z } from 'zod';

export const devSignInInput = z.object({
  name: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
});

export const userSchema = z.object({ id: z.string(), name: z.string() });

export const devSignInOutput = z.object({ token: z.string(), user: userSchema });
