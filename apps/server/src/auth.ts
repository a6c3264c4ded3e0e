import { slug, type User } from '@app/api';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Config } from './env';
import { checkSubject, checkTokenFormat, TokenError } from './token-format';

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
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === 'missing' ? `the token has no "${error.claim}" claim` : `the token's "${error.claim}" claim is not accepted`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'the token algorithm is not accepted';
  return 'the token is not valid';
}

function userOf(payload: JWTPayload): User | null {
  if (!checkSubject(payload.sub)) return null;
  const name = typeof payload.name === 'string' ? payload.name : payload.sub;
  return { id: payload.sub, name };
}

/** `name` -> a stable, path-safe dev user id, slugged as file names are in keys. */
const devUserId = (name: string) => `dev-${slug(name, 40) || 'user'}`;

/** Verified tokens, until they expire: a page sends the same token with every call. */
const CACHE_SIZE = 10_000;

/**
 * Tokens signed with AUTH_JWT_SECRET (HS256), or by the identity provider behind AUTH_JWKS_URL,
 * both verified by jose. Every token must expire (`exp`), and is accepted in one spelling only.
 */
export function createAuth(config: Config['auth']): Auth {
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : null;
  // Imported once: jose would import a raw secret again for every token.
  const hmacKey = secret && crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verified = new Map<string, { user: User; exp: number }>();
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
  const options: JWTVerifyOptions = { issuer: config.issuer, audience: config.audience, requiredClaims: ['exp'] };

  async function verifyToken(token: string): Promise<JWTPayload> {
    checkTokenFormat(token);
    if (jwks) {
      try {
        return (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] })).payload;
      } catch (error) {
        if (!hmacKey) throw error;
      }
    }
    if (!hmacKey) throw new Error('no verifier configured');
    return (await jwtVerify(token, await hmacKey, { ...options, algorithms: ['HS256'] })).payload;
  }

  return {
    async verify(authorization) {
      if (!authorization) return { user: null };
      const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
      if (!match?.[1]) return { user: null, error: 'the Authorization header must be "Bearer <token>"' };
      const token = match[1];
      const cached = verified.get(token);
      if (cached && cached.exp > Date.now() / 1000) return { user: cached.user };
      try {
        const payload = await verifyToken(token);
        const user = userOf(payload);
        if (!user) return { user: null, error: 'the token has no usable "sub" claim (1-256 characters of well-formed Unicode)' };
        if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(token, { user, exp: payload.exp! });
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
