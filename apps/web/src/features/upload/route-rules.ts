import { describeTypes, formatBytes } from '@app/api/policy';

/** One route's effective rules, as `upload.routes` returns them. */
export interface RouteRules {
  name: string;
  allowedTypes: readonly string[];
  maxBytes: number;
  onePerUser: boolean;
  image?: { maxEdge: number; format: string; quality: number; stripMetadata: boolean } | null | undefined;
}

const TITLES: Record<string, string> = { image: 'Photos', document: 'Documents', avatar: 'Avatar' };

/** "Photos", or the route's own name for a route the SPA has no title for. */
export const routeTitle = (name: string) => TITLES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);

/** The rules in words, one sentence each: what a person needs to know before picking a file. */
export function describeRules(route: RouteRules): string[] {
  const lines = [`${describeTypes(route.allowedTypes)}, up to ${formatBytes(route.maxBytes)} each.`];
  if (route.onePerUser) lines.push('One file per person: a new upload replaces the old one.');
  const image = route.image;
  if (image) {
    const format = describeTypes([image.format]);
    lines.push(`Scaled to at most ${image.maxEdge} px on the longer edge and saved as ${format}.`);
    lines.push(image.stripMetadata ? 'Location and camera details are removed before upload.' : 'Location and camera details are kept.');
  }
  return lines;
}
