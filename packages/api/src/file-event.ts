import type { Context, FileEventData, StoredObject, User } from './context';
import { normalizeContentType } from './policy';

/** The route of files whose key names none (every file before routes existed). */
const DEFAULT_ROUTE = 'default';

/** What a file event tells the host app about a final file. */
export function fileEventData(user: User, key: string, object: StoredObject): FileEventData {
  // `<32 hex>-<slug>.<ext>`: the readable part of the key stands in for the original name.
  const name = (key.split('/').pop() ?? key).replace(/^[0-9a-f]{32}-/, '');
  return { key, route: DEFAULT_ROUTE, userId: user.id, name, size: object.size, contentType: normalizeContentType(object.contentType ?? '') };
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
