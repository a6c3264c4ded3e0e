import { DECLARED_SIZE_META, DECLARED_TYPE_META } from '@app/api';
import { send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const FOREIGN_ORIGIN = 'https://doctor-foreign-origin.invalid';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** The request headers the SPA sends on an upload: whatever the product signs, plus Content-MD5. */
async function uploadHeaderNames(probe: Probe): Promise<string[]> {
  const { headers } = await probe.storage.presignPut({
    key: probe.prefix + 'cors-shape',
    contentType: 'image/png',
    size: 1,
    metadata: { [DECLARED_SIZE_META]: '1', [DECLARED_TYPE_META]: 'image/png' },
    expiresIn: 60,
  });
  return [...new Set([...Object.keys(headers).map((h) => h.toLowerCase()), 'content-md5'])].sort();
}

function preflight(url: string, origin: string, method: string, headers: string[]) {
  return send('OPTIONS', url, { origin, 'access-control-request-method': method, 'access-control-request-headers': headers.join(',') });
}

/** A real preflight from each WEB_ORIGINS origin, then a real PUT: is ETag readable by the page? */
export async function checkCors(probe: Probe): Promise<CheckResult> {
  const origins = probe.target.webOrigins;
  if (origins.length === 0) {
    return result('cors', 'fail', 'WEB_ORIGINS is empty: no browser origin may upload', 'set WEB_ORIGINS to the SPA origin(s), then pnpm s3:setup');
  }
  const headers = await uploadHeaderNames(probe);
  const key = probe.key('cors.txt');
  const url = await probe.unsignedUrl(key);
  const problems: string[] = [];
  for (const origin of origins) {
    const res = await preflight(url, origin, 'PUT', headers);
    const allowOrigin = res.headers['access-control-allow-origin'];
    if (res.status >= 300 || (allowOrigin !== origin && allowOrigin !== '*')) {
      problems.push(`${origin}: preflight ${res.status}${allowOrigin ? ` (allows ${allowOrigin})` : ', no Access-Control-Allow-Origin'}`);
      continue;
    }
    const methods = list(res.headers['access-control-allow-methods']);
    const missingMethods = ['put'].filter((m) => methods.length > 0 && !methods.includes(m));
    const allowed = list(res.headers['access-control-allow-headers']);
    const missingHeaders = allowed.includes('*') ? [] : headers.filter((h) => !allowed.includes(h));
    if (missingMethods.length) problems.push(`${origin}: methods lack ${missingMethods.join(', ').toUpperCase()}`);
    if (missingHeaders.length) problems.push(`${origin}: headers lack ${missingHeaders.join(', ')}`);
  }
  // Expose-Headers comes with the actual response, not the preflight.
  const body = 'cors probe';
  const signed = await probe.presign({ method: 'PUT', key, headers: { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) }, expiresIn: 60 });
  const put = await send('PUT', signed, { origin: origins[0]!, 'content-type': 'text/plain' }, body);
  const exposed = list(put.headers['access-control-expose-headers']);
  if (put.status >= 300) problems.push(`PUT from ${origins[0]} answered ${put.status}`);
  else if (!exposed.includes('etag') && !exposed.includes('*')) problems.push('ETag is not exposed (multipart cannot read part ETags)');
  if (problems.length) return result('cors', 'fail', problems.join('; '), 'run pnpm s3:setup (CORS rule: PUT/POST/GET/HEAD, headers *, ExposeHeaders ETag)');
  return result('cors', 'pass', `${origins.join(', ')}: PUT allowed with ${headers.length} headers, ETag exposed`);
}

/** A page on another origin gets no CORS grant. */
export async function checkForeignOrigin(probe: Probe): Promise<CheckResult> {
  const res = await preflight(await probe.unsignedUrl(probe.prefix + 'cors.txt'), FOREIGN_ORIGIN, 'PUT', ['content-type']);
  const allowOrigin = res.headers['access-control-allow-origin'];
  if (allowOrigin === FOREIGN_ORIGIN || allowOrigin === '*') {
    return result(
      'cors-foreign',
      'fail',
      `a preflight from ${FOREIGN_ORIGIN} is allowed (${allowOrigin})`,
      'list only your SPA origins in the CORS rule (WEB_ORIGINS, pnpm s3:setup), no *',
    );
  }
  return result('cors-foreign', 'pass', `a preflight from another origin gets ${res.status} without a grant`);
}
