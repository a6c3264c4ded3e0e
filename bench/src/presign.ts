import { REQUEST_URL_BODY } from './load';
import { signJwt } from './jwt';

/** A PUT target as `upload.requestUrl` returns it. */
export interface PutTarget {
  key: string;
  url: string;
  headers: Record<string, string>;
}

/**
 * Calls the product's `upload.requestUrl` over HTTP, as a host app or curl user would, and returns
 * the PUT target. `file` overrides the default input (the real file's name, type and size).
 */
export async function requestPutUrl(origin: string, file?: { name: string; type: string; size: number }, user = 'bench-user'): Promise<PutTarget> {
  const body = file ? JSON.stringify({ fileName: file.name, contentType: file.type, size: file.size }) : REQUEST_URL_BODY;
  const res = await fetch(`${origin}/trpc/upload.requestUrl`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signJwt(user)}` },
    body,
  });
  const json = (await res.json()) as { result?: { data?: PutTarget & { method?: string } }; error?: unknown };
  const data = json.result?.data;
  if (res.status !== 200 || !data || data.method !== 'PUT') {
    throw new Error(`upload.requestUrl: HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  }
  return { key: data.key, url: data.url, headers: data.headers };
}
