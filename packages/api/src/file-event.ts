import { ORIGINAL_NAME_META, ROUTE_META, type Context, type FileEventData, type StoredObject, type User } from './context';
import { DEFAULT_ROUTE, parseFinalKey } from './key';
import { decodeOriginalName } from './original-name';
import { normalizeContentType } from './policy';

/**
 * What a file event tells the host app about a final file: its route and original name come from
 * the object's metadata; files stored before routes existed have neither, and get the route of
 * their key and its readable part (`<slug>.<ext>`) as the name.
 */
export function fileEventData(user: User, key: string, object: StoredObject): FileEventData {
  const parts = parseFinalKey(key);
  const name = decodeOriginalName(object.metadata[ORIGINAL_NAME_META]) ?? (parts ? `${parts.slug}.${parts.ext}` : (key.split('/').pop() ?? key));
  const route = object.metadata[ROUTE_META] || (parts?.route ?? DEFAULT_ROUTE);
  return { key, route, userId: user.id, name, size: object.size, contentType: normalizeContentType(object.contentType ?? '') };
}

/**
 * Persists a file event for delivery. Never throws: the file is already uploaded (or deleted), and an
 * outbox that did not answer must not turn that success into an error; it is logged instead.
 */
export async function emitFileEvent(ctx: Context, type: 'file.uploaded' | 'file.deleted', data: FileEventData): Promise<void> {
  if (!ctx.events) return;
  try {
    await ctx.events.emit(type, data);
  } catch (error) {
    ctx.log?.warn({ err: error, type, key: data.key }, 'file event not persisted: the host app will not hear of this file');
  }
}
