import { slug, type User } from '@app/api';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from './env';
import { TokenError, verifyHs256 } from './hs256';

export type Verified = { user: User } | { user: null; error?: string };

export interface Auth {
  /** Verifies an `Authorization` header value; never throws. */
  verify(authorization: string | undefined): Promise<Verified>;
  /** Signs a dev token; null unless AUTH_DEV_SIGN_IN is on. */
  devSignIn: ((name: string) => Promise<{ token: string; user: User }>) | null;
}

function describe(error: unknown): string {
  if (error instanceof TokenError) return error.message;
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  return 'the token is not valid';
}

function userOf(payload: JWTPayload): User | null {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) return null;
  const name = typeof payload.name === 'string' ? payload.name : payload.sub;
  return { id: payload.sub, name };
}

/** `name` -> a stable, path-safe dev user id, slugged as file names are in keys. */
const devUserId = (name: string) => `dev-${slug(name, 40) || 'user'}`;

/** HS256 with AUTH_JWT_SECRET, or RS/ES tokens checked against the identity provider's JWKS. */
/** Verified tokens, until they expire: a page sends the same token with every call. */
const CACHE_SIZE = 10_000;

export function createAuth(config: Config['auth']): Auth {
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : null;
  const hmacKey = config.jwtSecret ? Buffer.from(config.jwtSecret, 'utf8') : null;
  const verified = new Map<string, { user: User; exp: number }>();
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
  const claims = { issuer: config.issuer, audience: config.audience };

  async function verifyToken(token: string): Promise<JWTPayload> {
    if (jwks) {
      try {
        return (await jwtVerify(token, jwks, { ...claims, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] })).payload;
      } catch (error) {
        if (!secret) throw error;
      }
    }
    if (!hmacKey) throw new Error('no verifier configured');
    return verifyHs256(token, hmacKey, claims);
  }

  return {
    async verify(authorization) {
      if (!authorization) return { user: null };
      const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
      if (!match?.[1]) return { user: null, error: 'the Authorization header must be "Bearer <token>"' };
      const token = match[1];
      const now = Date.now() / 1000;
      const cached = verified.get(token);
      if (cached && cached.exp > now) return { user: cached.user };
      try {
        const payload = await verifyToken(token);
        const user = userOf(payload);
        if (!user) return { user: null, error: 'the token has no usable "sub" claim' };
        if (typeof payload.exp === 'number') {
          if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!);
          verified.set(token, { user, exp: payload.exp });
        }
        return { user };
      } catch (error) {
        return { user: null, error: describe(error) };
      }
    },

    devSignIn:
      config.devSignIn && secret
        ? async (name) => {
            const user = { id: devUserId(name), name };
            let jwt = new SignJWT({ name }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuedAt();
            if (config.issuer) jwt = jwt.setIssuer(config.issuer);
            if (config.audience) jwt = jwt.setAudience(config.audience);
            const token = await jwt.setExpirationTime(`${config.tokenTtlSeconds}s`).sign(secret);
            return { token, user };
          }
        : null,
  };
}
