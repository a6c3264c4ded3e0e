import { TRPCError } from '@trpc/server';
import type { Context, User } from '../context';
import { generateKey } from '../key';
import { encodeOriginalName, fromBase64Url, toBase64Url } from '../original-name';
import { checkFile, normalizeContentType } from '../policy';
import type { SealedFields } from '../seal';
import type { RouteMetadata } from './define';
import type { ResolvedRoute } from './rules';

type Ctx = Context & { user: User };

/** What `authorize` may sign into an upload, as JSON: it travels in the object's metadata (2 KB in all). */
export const MAX_ROUTE_DATA_BYTES = 512;

/** The upload a client asked for, checked against its route and authorized: ready to seal and sign. */
export interface PreparedUpload {
  key: string;
  contentType: string;
  fields: SealedFields;
}

async function authorize(ctx: Ctx, route: ResolvedRoute, input: { fileName: string; contentType: string; size: number }): Promise<string> {
  if (!route.config.authorize) return '';
  const metadata: unknown = await route.config.authorize({ user: ctx.user, input });
  if (metadata === undefined) return '';
  const bytes = new TextEncoder().encode(JSON.stringify(metadata));
  if (bytes.length > MAX_ROUTE_DATA_BYTES) {
    throw new Error(`upload route "${route.rules.name}": authorize returned ${bytes.length} bytes of metadata; at most ${MAX_ROUTE_DATA_BYTES} fit in the upload`);
  }
  return toBase64Url(bytes);
}

/** The metadata `authorize` signed into an upload, from its `route-data` value. */
export function routeMetadataOf(routeData: string | undefined): RouteMetadata | undefined {
  const bytes = routeData ? fromBase64Url(routeData) : null;
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as RouteMetadata) : undefined;
}

/**
 * Checks a file against its route's rules, runs the route's `authorize`, and makes its key. The
 * route, the original name and what `authorize` returned are sealed with the key, so `complete`
 * applies this route's rules and nobody can change them after signing.
 */
export async function prepareUpload(ctx: Ctx, route: ResolvedRoute, input: { fileName: string; contentType: string; size: number }): Promise<PreparedUpload> {
  const contentType = normalizeContentType(input.contentType);
  const violation = checkFile(route.policy, { type: contentType, size: input.size });
  if (violation) {
    const message = route.rules.name === 'default' ? violation.message : `${violation.message} (route "${route.rules.name}")`;
    throw new TRPCError({ code: violation.reason === 'TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message });
  }
  const routeData = await authorize(ctx, route, { fileName: input.fileName, contentType, size: input.size });
  const key = await generateKey(ctx.user.id, route.rules.name, input.fileName, contentType, ctx.now?.().getTime());
  const fields: SealedFields = { key, size: input.size, contentType, route: route.rules.name, originalName: encodeOriginalName(input.fileName), routeData };
  return { key, contentType, fields };
}
