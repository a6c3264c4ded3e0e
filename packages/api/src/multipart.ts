import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { assertOwnStagedKey, completeUpload, type Routes } from './complete';
import type { Context, StoredPart, User } from './context';
import { finalKeyOf } from './key';
import { partLength, planParts } from './part-plan';
import { assertRoomFor } from './routes/file-count';
import { prepareUpload } from './routes/prepare';
import type { ResolvedRoute } from './routes/rules';
import { releaseQuota, reserveQuota } from './quota';
import { declaredMetadata } from './seal';
import { callStorage } from './storage-error';

type Ctx = Context & { user: User };

/**
 * The plan of a multipart upload, stored beside it in the bucket when it starts: the servers keep
 * no state, and the store holds nothing else that says how large each part must be.
 */
const manifestSchema = z.object({ uploadId: z.string(), size: z.number(), partSize: z.number(), partCount: z.number() });
type Manifest = z.infer<typeof manifestSchema>;

export const manifestKey = (key: string) => `${key}.multipart.json`;

const notFound = () =>
  new TRPCError({
    code: 'NOT_FOUND',
    message: 'No multipart upload with this key and uploadId (it finished, was aborted or expired): start again.',
  });

/** The plan stored beside the upload, for a key already checked to be the caller's (`assertOwnStagedKey`). */
async function readManifest(ctx: Ctx, key: string, uploadId: string): Promise<Manifest | null> {
  const parsed = manifestSchema.safeParse(await callStorage(() => ctx.storage.getJson(manifestKey(key))));
  if (!parsed.success) return null;
  if (parsed.data.uploadId !== uploadId) throw notFound();
  return parsed.data;
}

async function loadManifest(ctx: Ctx, key: string, uploadId: string): Promise<Manifest | null> {
  await assertOwnStagedKey(ctx, key);
  return readManifest(ctx, key, uploadId);
}

/**
 * `start`'s token for `signParts`: the plan's numbers and their seal to this key and upload, so
 * signing needs no read of the bucket (which waits behind the parts it is receiving: 8-204 ms measured).
 */
async function planTokenOf(ctx: Ctx, key: string, manifest: Manifest): Promise<string> {
  const { uploadId, size, partSize, partCount } = manifest;
  return `${size}.${partSize}.${partCount}.${await ctx.storage.sealer.sealPlan({ key, uploadId, size, partSize, partCount })}`;
}

const PLAN_TOKEN = /^(\d{1,16})\.(\d{1,16})\.(\d{1,5})\.([A-Za-z0-9_-]{43})$/;

/** The plan a token carries, if a server with this secret issued it for this key and upload; else null. */
async function planFromToken(ctx: Ctx, key: string, uploadId: string, token: string): Promise<Manifest | null> {
  const match = PLAN_TOKEN.exec(token);
  if (!match) return null;
  const [size, partSize, partCount] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const valid = await ctx.storage.sealer.verifyPlan({ key, uploadId, size, partSize, partCount }, match[4]);
  return valid ? { uploadId, size, partSize, partCount } : null;
}

async function requireManifest(ctx: Ctx, key: string, uploadId: string): Promise<Manifest> {
  const manifest = await loadManifest(ctx, key, uploadId);
  if (!manifest) throw notFound();
  return manifest;
}

export async function startMultipart(ctx: Ctx, route: ResolvedRoute, input: { fileName: string; contentType: string; size: number }) {
  if (route.rules.multipartThresholdBytes === null) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `Route "${route.rules.name}" takes single uploads only: use upload.requestUrl.` });
  }
  const { key, contentType, fields } = await prepareUpload(ctx, route, input);
  await assertRoomFor(ctx, route);
  const ttl = route.rules.urlTtlSeconds;
  // The planned size is held from the start: every part's URL is covered before it is signed.
  await reserveQuota(ctx, key, input.size, ttl);
  const metadata = await declaredMetadata(ctx.storage.sealer, fields);
  const plan = planParts(input.size);
  let uploadId: string | undefined;
  try {
    uploadId = await callStorage(() => ctx.storage.createMultipart({ key, contentType, metadata }));
    const manifest: Manifest = { uploadId, ...plan };
    await callStorage(() => ctx.storage.putJson(manifestKey(key), manifest));
  } catch (error) {
    if (uploadId) await ctx.storage.abortMultipart(key, uploadId).catch(() => {});
    await releaseQuota(ctx, key);
    throw error;
  }
  const expiresAt = new Date((ctx.now?.() ?? new Date()).getTime() + ttl * 1000).toISOString();
  const planToken = await planTokenOf(ctx, key, { uploadId, ...plan });
  return { key, uploadId, partSize: plan.partSize, partCount: plan.partCount, planToken, expiresAt };
}

/** The URL lifetime of the route in a staged key (`staging/<user>/<route>/...`). */
const ttlOf = (ctx: Ctx, routes: Routes, key: string) => routes.get(key.split('/')[2] ?? '')?.rules.urlTtlSeconds ?? ctx.policy.urlTtlSeconds;

export async function signParts(
  ctx: Ctx,
  routes: Routes,
  input: { key: string; uploadId: string; partNumbers: number[]; contentMd5?: string[] | undefined; planToken?: string | undefined },
) {
  await assertOwnStagedKey(ctx, input.key);
  // A token that does not verify (forged, or sealed under a rotated secret) costs only the read.
  const sealed = input.planToken ? await planFromToken(ctx, input.key, input.uploadId, input.planToken) : null;
  const manifest = sealed ?? (await readManifest(ctx, input.key, input.uploadId));
  if (!manifest) throw notFound();
  const beyond = input.partNumbers.filter((n) => n > manifest.partCount);
  if (beyond.length) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `partNumbers: this upload has ${manifest.partCount} parts; ${beyond.join(', ')} do not exist.` });
  }
  // Extends the hold past these URLs' lifetime (or holds the plan again if it had run out).
  const expiresIn = ttlOf(ctx, routes, input.key);
  const before = await reserveQuota(ctx, input.key, manifest.size, expiresIn);
  // A token proves the plan, not that the upload is still open; a hold still standing does. Without
  // one (it ran out, or the upload was completed or aborted) the bucket decides.
  if (sealed && (before === 'none' || before === 'stored') && !(await readManifest(ctx, input.key, input.uploadId))) {
    if (before === 'none') await releaseQuota(ctx, input.key);
    throw notFound();
  }
  const parts = await Promise.all(
    input.partNumbers.map(async (partNumber, i) => {
      const request = { key: input.key, uploadId: input.uploadId, partNumber, size: partLength(manifest, partNumber), contentMd5: input.contentMd5?.[i], expiresIn };
      return { partNumber, ...(await callStorage(() => ctx.storage.presignPart(request))) };
    }),
  );
  return { parts, expiresAt: new Date((ctx.now?.() ?? new Date()).getTime() + expiresIn * 1000).toISOString() };
}

export async function listParts(ctx: Ctx, input: { key: string; uploadId: string }): Promise<StoredPart[]> {
  await requireManifest(ctx, input.key, input.uploadId);
  const parts = await callStorage(() => ctx.storage.listParts(input.key, input.uploadId));
  if (!parts) throw notFound();
  return parts;
}

const unquote = (etag: string) => etag.replace(/^"|"$/g, '');

/** Why the named parts are not exactly the planned, stored parts; null when they are. */
function partsProblem(manifest: Manifest, given: Array<{ partNumber: number; etag: string }>, stored: StoredPart[]): string | null {
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const named = new Set(given.map((p) => p.partNumber));
  const missing = Array.from({ length: manifest.partCount }, (_, i) => i + 1).filter((n) => !named.has(n) || !byNumber.has(n));
  if (missing.length) return `parts ${missing.slice(0, 20).join(', ')} are missing (listParts tells which parts the store has)`;
  if (given.length !== manifest.partCount) return `this upload has exactly ${manifest.partCount} parts`;
  for (const part of given) {
    const held = byNumber.get(part.partNumber)!;
    if (unquote(held.etag) !== unquote(part.etag)) return `part ${part.partNumber}'s ETag is not the one the store holds`;
    if (held.size !== partLength(manifest, part.partNumber)) return `part ${part.partNumber} has ${held.size} bytes, not ${partLength(manifest, part.partNumber)}`;
  }
  return null;
}

export async function completeMultipart(ctx: Ctx, routes: Routes, input: { key: string; uploadId: string; parts: Array<{ partNumber: number; etag: string }> }) {
  await assertOwnStagedKey(ctx, input.key);
  // The plan and the stored parts are read together: one round trip to the store, not two.
  const [manifest, stored] = await Promise.all([readManifest(ctx, input.key, input.uploadId), callStorage(() => ctx.storage.listParts(input.key, input.uploadId))]);
  // No plan left: a finished upload answers again (idempotent); anything else is unknown.
  if (!manifest) {
    if (await callStorage(() => ctx.storage.headObject(finalKeyOf(input.key)))) return completeUpload(ctx, routes, input.key);
    throw notFound();
  }
  if (stored) {
    const problem = partsProblem(manifest, input.parts, stored);
    if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: `The parts do not add up: ${problem}.` });
    const ordered = [...stored].sort((a, b) => a.partNumber - b.partNumber).map(({ partNumber, etag }) => ({ partNumber, etag }));
    await callStorage(() => ctx.storage.completeMultipart(input.key, input.uploadId, ordered));
  }
  // The plan goes once the file is final or refused; a retriable failure keeps it for the retry.
  const dropPlan = () => ctx.storage.deleteObject(manifestKey(input.key)).catch(() => {});
  try {
    const result = await completeUpload(ctx, routes, input.key);
    await dropPlan();
    return result;
  } catch (error) {
    if (error instanceof TRPCError && (error.code === 'BAD_REQUEST' || error.code === 'PAYLOAD_TOO_LARGE')) await dropPlan();
    throw error;
  }
}

export async function abortMultipart(ctx: Ctx, input: { key: string; uploadId: string }) {
  await requireManifest(ctx, input.key, input.uploadId);
  await callStorage(() => ctx.storage.abortMultipart(input.key, input.uploadId));
  await callStorage(() => ctx.storage.deleteObject(manifestKey(input.key)));
  await releaseQuota(ctx, input.key);
  return { aborted: true as const };
}
