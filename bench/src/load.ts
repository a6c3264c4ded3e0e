import autocannon from 'autocannon';
import { signJwt } from './jwt';

/** One load target: what autocannon sends, and what a correct answer looks like. */
export interface LoadTarget {
  id: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** The input every signing variant receives, so body parsing costs the same everywhere. */
export const REQUEST_URL_BODY = JSON.stringify({ fileName: 'holiday clip.mp4', contentType: 'video/mp4', size: 5 * 1024 * 1024 });

export function trpcTarget(id: string, label: string, path: string): LoadTarget {
  return {
    id,
    label,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signJwt('bench-user')}` },
    body: REQUEST_URL_BODY,
  };
}

/** A bounded autocannon run (duration in seconds) against `origin`. */
export async function runLoad(origin: string, target: LoadTarget, seconds: number, connections = 64): Promise<LoadResult> {
  const result = await autocannon({
    url: `${origin}${target.path}`,
    method: target.method,
    headers: target.headers,
    body: target.body,
    connections,
    duration: seconds,
    timeout: 10,
  });
  return {
    // Completed requests over the real duration: exact, unlike the mean of per-second samples.
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** One request outside the load run, to prove the target answers 200 with the expected shape. */
export async function checkTarget(origin: string, target: LoadTarget): Promise<void> {
  const res = await fetch(`${origin}${target.path}`, { method: target.method, headers: target.headers, body: target.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${target.label}: HTTP ${res.status} ${text.slice(0, 300)}`);
}
