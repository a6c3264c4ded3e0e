import type { UploadItem } from './upload-item';

/**
 * What the live status says after a change of the queue: the files that just finished, and the
 * batch's count. Null when nothing worth saying happened (progress ticks are not announced).
 */
export function announcement(before: ReadonlyMap<string, UploadItem['status']>, items: readonly UploadItem[]): string | null {
  const counted = items.filter((item) => item.status !== 'refused' && item.status !== 'cancelled');
  const finished = items.filter((item) => item.status === 'done' && before.has(item.id) && before.get(item.id) !== 'done');
  const cancelled = items.filter((item) => item.status === 'cancelled' && before.has(item.id) && before.get(item.id) !== 'cancelled');
  const parts: string[] = [];
  if (finished.length === 1) parts.push(`${finished[0]!.file.name} uploaded.`);
  if (cancelled.length === 1) parts.push(`${cancelled[0]!.file.name} cancelled.`);
  else if (cancelled.length > 1) parts.push(`${cancelled.length} uploads cancelled.`);
  if (finished.length > 0 && counted.length > 1) {
    const done = counted.filter((item) => item.status === 'done').length;
    parts.push(`${done} of ${counted.length} files uploaded.`);
  }
  return parts.length ? parts.join(' ') : null;
}
