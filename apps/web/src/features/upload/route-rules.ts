import { describeTypes, formatBytes } from '@app/api/policy';

/** The part of one route's rules (from `upload.routes`) that the SPA shows. */
export interface RouteRules {
  name: string;
  allowedTypes: readonly string[];
  maxBytes: number;
  /** Files a user may keep on the route; null: no limit. */
  maxFiles: number | null;
  /** At `maxFiles`, a new file replaces the oldest. */
  replace: boolean;
  image: { maxEdge: number; format?: string | undefined; quality?: number | undefined; stripMetadata?: boolean | undefined } | null;
}

const TITLES: Record<string, string> = { default: 'Any file', image: 'Images', photo: 'Photos', document: 'Documents', avatar: 'Avatar' };

/** "Photos", or the route's own name for a route the SPA has no title for. */
export const routeTitle = (name: string) => TITLES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);

/** The rules in words, one sentence each: what a person needs to know before picking a file. */
export function describeRules(route: RouteRules): string[] {
  const lines = [`${describeTypes(route.allowedTypes)}, up to ${formatBytes(route.maxBytes)} each.`];
  if (route.maxFiles !== null) {
    const count = route.maxFiles === 1 ? 'One file' : `${route.maxFiles} files`;
    lines.push(route.replace ? `${count} per person: a new upload replaces the oldest.` : `${count} per person at most.`);
  }
  const image = route.image;
  if (image) {
    // Metadata goes unless the route keeps it, and any scaled image is redrawn without it.
    if (image.stripMetadata !== false) lines.push('Location and camera details are removed from photos before upload.');
    const format = image.format ? ` and saved as ${describeTypes([image.format])}` : '';
    lines.push(`Photos are scaled down to at most ${image.maxEdge} px on the longer side${format}.`);
  }
  return lines;
}
