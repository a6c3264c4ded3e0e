import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One HTTP request with exactly these headers (fetch adds or forbids some, e.g. Origin), as a browser
 * or an attacker would send it. Never throws on a status; throws on a network error or after 15 s.
 */
export function send(method: string, url: string, headers: Record<string, string> = {}, body?: Uint8Array | string): Promise<RawResponse> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = body === undefined ? undefined : Buffer.from(body);
  const all = { ...headers, ...(payload || method === 'PUT' || method === 'POST' ? { 'content-length': String(payload?.length ?? 0) } : {}) };
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers: all, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${target.origin}: no answer within 15 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The S3 error code of an XML error body (`<Code>AccessDenied</Code>`), or the status. */
export function errorCode(res: RawResponse): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(res.body.toString('utf8'))?.[1];
  return code ? `${res.status} ${code}` : String(res.status);
}

export const ok = (res: RawResponse) => res.status >= 200 && res.status < 300;
