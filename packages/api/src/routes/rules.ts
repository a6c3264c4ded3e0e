import { ROUTE_NAME_PATTERN } from '../key';
import { EXTENSIONS, MAX_URL_TTL_SECONDS, normalizeContentType, SINGLE_PUT_MAX_BYTES, WHOLE_CHECKED_TYPES, type UploadPolicy } from '../policy';
import type { AnyRoute, AnyRouteConfig, ImageProcessing, RouteTable } from './define';

/** A route's effective rules: its own options over the server's `UPLOAD_*` settings. Plain data, public. */
export interface RouteRules {
  name: string;
  allowedTypes: string[];
  maxBytes: number;
  urlTtlSeconds: number;
  /** Files from this size on go in parts; null: this route takes single uploads only. */
  multipartThresholdBytes: number | null;
  multipartConcurrency: number;
  /** Files a user may keep on the route; null: no limit. */
  maxFiles: number | null;
  /** At `maxFiles`, a new file replaces the oldest. */
  replace: boolean;
  image: ImageProcessing | null;
  /** Whether the route runs an `authorize` step (it may refuse some users). */
  authorized: boolean;
}

/**
 * `image/*` -> the known types of that family (the types keys are made for, policy.ts `EXTENSIONS`),
 * except the ones checked whole (SVG, text): they carry markup, so a route takes them only by name.
 */
export function expandTypes(types: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of types) {
    const type = normalizeContentType(raw);
    if (!type.endsWith('/*')) {
      out.add(type);
      continue;
    }
    const family = type.slice(0, -1);
    const known = Object.keys(EXTENSIONS).filter((t) => t.startsWith(family) && !WHOLE_CHECKED_TYPES.includes(t));
    if (!known.length) throw new Error(`route types: no known types in the family "${type}"`);
    for (const t of known) out.add(t);
  }
  return [...out];
}

/** Why this route definition cannot work, or null. */
function problemOf(name: string, route: AnyRoute): string | null {
  const c = route.config as AnyRouteConfig;
  if (!ROUTE_NAME_PATTERN.test(name)) return `the name must match ${ROUTE_NAME_PATTERN.source}`;
  const whole = (n: number | undefined, min: number) => n === undefined || (Number.isSafeInteger(n) && n >= min);
  if (c.types !== undefined && !c.types.length) return 'types: name at least one type';
  for (const t of c.types ?? []) if (!/^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)$/.test(normalizeContentType(t))) return `types: "${t}" is not a MIME type or family`;
  if (!whole(c.maxBytes, 1)) return 'maxBytes: a whole number of bytes, at least 1';
  if (!whole(c.urlTtlSeconds, 1) || (c.urlTtlSeconds ?? 0) > MAX_URL_TTL_SECONDS) return `urlTtlSeconds: 1 to ${MAX_URL_TTL_SECONDS}`;
  if (!whole(c.multipartThresholdBytes, 5 * 1024 * 1024)) return 'multipartThresholdBytes: at least 5 MiB (S3 parts are at least 5 MiB)';
  if (!whole(c.maxFiles, 1)) return 'maxFiles: a whole number, at least 1';
  if (c.replace && c.maxFiles === undefined) return 'replace needs maxFiles (how many files stay)';
  if (c.maxFiles !== undefined && c.maxFiles > 1000) return 'maxFiles: at most 1000 (counted with one listing)';
  if (c.multipart === false && (c.maxBytes ?? 0) > SINGLE_PUT_MAX_BYTES) return 'maxBytes: above 5 GiB, files must go in parts (multipart)';
  if (c.image && (!whole(c.image.maxEdge, 1) || (c.image.quality !== undefined && !(c.image.quality > 0 && c.image.quality <= 1)))) {
    return 'image: maxEdge is a whole number of pixels, quality is above 0 and at most 1';
  }
  return null;
}

/** Checks a route table once, when it is defined: a broken route fails the server's start, not an upload. */
export function defineRoutes<const T extends RouteTable>(table: T): T {
  if (!Object.hasOwn(table, 'default')) throw new Error('upload routes: a "default" route is required (uploads that name no route use it)');
  for (const [name, definition] of Object.entries(table)) {
    const problem = problemOf(name, definition);
    if (problem) throw new Error(`upload route "${name}": ${problem}`);
    expandTypes((definition.config as AnyRouteConfig).types ?? []);
  }
  return table;
}

/** A route ready for a request: its public rules, the same as an `UploadPolicy`, and its hooks. */
export interface ResolvedRoute {
  rules: RouteRules;
  policy: UploadPolicy;
  config: AnyRouteConfig;
}

function resolve(name: string, route: AnyRoute, policy: UploadPolicy): ResolvedRoute {
  const c = route.config as AnyRouteConfig;
  const rules: RouteRules = {
    name,
    allowedTypes: c.types ? expandTypes(c.types) : [...policy.allowedTypes],
    maxBytes: c.maxBytes ?? policy.maxBytes,
    urlTtlSeconds: c.urlTtlSeconds ?? policy.urlTtlSeconds,
    multipartThresholdBytes: c.multipart === false ? null : (c.multipartThresholdBytes ?? policy.multipartThresholdBytes),
    multipartConcurrency: policy.multipartConcurrency,
    maxFiles: c.maxFiles ?? null,
    replace: c.replace ?? false,
    image: c.image ?? null,
    authorized: c.authorize !== undefined,
  };
  const routePolicy: UploadPolicy = {
    allowedTypes: rules.allowedTypes,
    maxBytes: rules.maxBytes,
    urlTtlSeconds: rules.urlTtlSeconds,
    multipartThresholdBytes: rules.multipartThresholdBytes ?? Number.MAX_SAFE_INTEGER,
    multipartConcurrency: rules.multipartConcurrency,
  };
  return { rules, policy: routePolicy, config: c };
}

interface Resolved {
  /** The policy's values the routes were worked out from: the policy object may change in place. */
  seen: UploadPolicy;
  routes: ReadonlyMap<string, ResolvedRoute>;
}

const cache = new WeakMap<RouteTable, WeakMap<UploadPolicy, Resolved>>();

const sameValues = (a: UploadPolicy, b: UploadPolicy) => {
  const keys = Object.keys(a) as Array<keyof UploadPolicy>;
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

/**
 * Every route of the table under this policy (the `UPLOAD_*` defaults), worked out once per table
 * and policy, and again when a field of the policy object has been changed since.
 */
export function resolveRoutes(table: RouteTable, policy: UploadPolicy): ReadonlyMap<string, ResolvedRoute> {
  let byPolicy = cache.get(table);
  if (!byPolicy) cache.set(table, (byPolicy = new WeakMap()));
  let resolved = byPolicy.get(policy);
  if (!resolved || !sameValues(resolved.seen, policy)) {
    resolved = { seen: { ...policy }, routes: new Map(Object.entries(table).map(([name, definition]) => [name, resolve(name, definition, policy)])) };
    byPolicy.set(policy, resolved);
  }
  return resolved.routes;
}
