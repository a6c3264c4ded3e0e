import { downloadLink, type Completed } from '../complete';
import { ORIGINAL_NAME_META, ROUTE_DATA_META, type Context, type User } from '../context';
import { emitFileEvent, fileEventData } from '../file-event';
import { decodeOriginalName } from '../original-name';
import type { RouteDataOf, RouteFile, RouteTable } from './define';
import { routeMetadataOf } from './prepare';

type Ctx = Context & { user: User };

/** What every `complete` answers: the final file and a short-lived link that downloads it safely. */
export interface CompletedFile {
  key: string;
  size: number;
  contentType: string;
  url: string;
  /** The original file name. */
  name: string;
  /** Files this one replaced (deleted) on a replacing route such as `avatar`. */
  replaced: string[];
}

/**
 * `complete`'s answer on a table: one member per route, so `answer.route === 'avatar'` narrows
 * `answer.data` to what that route's `onUploadComplete` returns (`null` without one).
 */
export type CompleteAnswer<T extends RouteTable> = CompletedFile & { [N in keyof T & string]: { route: N; data: RouteDataOf<T[N]> } }[keyof T & string];

/** Runs the route's `onUploadComplete` on a verified file and answers with its return value. */
export async function answerComplete<T extends RouteTable>(ctx: Ctx, { key, object, route, replaced }: Completed): Promise<CompleteAnswer<T>> {
  await emitFileEvent(ctx, 'file.uploaded', fileEventData(ctx.user, key, object));
  const link = await downloadLink(ctx, key, object, route.rules.urlTtlSeconds);
  const name = decodeOriginalName(object.metadata[ORIGINAL_NAME_META]) ?? key.slice(key.lastIndexOf('/') + 1);
  const file: RouteFile = { key, route: route.rules.name, name, size: link.size, contentType: link.contentType };
  const hook = route.config.onUploadComplete;
  const data: unknown = hook ? await hook({ user: ctx.user, file, metadata: routeMetadataOf(object.metadata[ROUTE_DATA_META]) }) : null;
  return { ...link, name, replaced, route: route.rules.name, data: data ?? null } as CompleteAnswer<T>;
}
