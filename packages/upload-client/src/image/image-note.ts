import { type ImageOptions, resolveImageOptions } from './options';

const FORMAT_NAMES: Readonly<Record<string, string>> = { 'image/jpeg': 'JPEG', 'image/webp': 'WebP', 'image/png': 'PNG' };

/**
 * What a route does to photos, in words for the person uploading, e.g. "Location and camera data are
 * removed from photos before upload. Photos are scaled down to 2048 px on the longer side and saved as
 * JPEG." Undefined when the route leaves photos as they are.
 */
export function imageNote(options: ImageOptions | undefined): string | undefined {
  if (!options) return undefined;
  const { maxEdge, format, stripMetadata } = resolveImageOptions(options);
  const sentences: string[] = [];
  if (stripMetadata) sentences.push('Location and camera data are removed from photos before upload.');
  const scaled = maxEdge === undefined ? '' : `scaled down to ${maxEdge} px on the longer side`;
  const saved = format === 'keep' ? '' : `saved as ${FORMAT_NAMES[format]}`;
  const changes = [scaled, saved].filter(Boolean).join(' and ');
  if (changes) sentences.push(`Photos are ${changes}.`);
  return sentences.length ? sentences.join(' ') : undefined;
}
