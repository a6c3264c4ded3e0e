import { errorCode, ok, send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const TYPE = 'image/png';

/** A URL signed like the product's: Content-Type and Content-Length are signed headers. */
async function signedPut(probe: Probe, key: string, size: number, extra: { now?: Date; expiresIn?: number } = {}) {
  return probe.presign({
    method: 'PUT',
    key,
    headers: { 'Content-Type': TYPE, 'Content-Length': String(size) },
    expiresIn: extra.expiresIn ?? 60,
    ...(extra.now ? { now: extra.now } : {}),
  });
}

const bytes = (n: number) => Buffer.alloc(n, 0x61);

/** The honest upload works, and the signature pins type, length and expiry. */
export async function checkSignedPut(probe: Probe): Promise<CheckResult[]> {
  const key = probe.key('signed-put.png');
  const url = await signedPut(probe, key, 64);
  const honest = await send('PUT', url, { 'content-type': TYPE }, bytes(64));
  if (!ok(honest)) {
    const skipped = 'skipped: the honest PUT failed';
    return [
      result('signed-put', 'fail', `a PUT signed as the server signs answered ${errorCode(honest)}`, 'check the credentials, S3_REGION and the clock rows above'),
      result('put-type', 'na', skipped),
      result('put-length', 'na', skipped),
      result('put-expiry', 'na', skipped),
    ];
  }
  const rows = [result('signed-put', 'pass', `${honest.status}, ETag ${honest.headers.etag ? 'returned' : 'missing'}`)];

  const otherType = await send('PUT', await signedPut(probe, probe.key('put-type.png'), 64), { 'content-type': 'text/html' }, bytes(64));
  rows.push(
    ok(otherType)
      ? result(
          'put-type',
          'fail',
          'a PUT with Content-Type text/html was stored under a URL signed for image/png',
          'this store ignores signed headers: use another store',
        )
      : result('put-type', 'pass', `text/html on a URL signed for ${TYPE}: ${errorCode(otherType)}`),
  );

  const lengthUrl = await signedPut(probe, probe.key('put-length.png'), 64);
  const longer = await send('PUT', lengthUrl, { 'content-type': TYPE }, bytes(65));
  const shorter = await send('PUT', lengthUrl, { 'content-type': TYPE }, bytes(63));
  rows.push(
    ok(longer) || ok(shorter)
      ? result(
          'put-length',
          'fail',
          `65/63 bytes on a URL signed for 64: ${longer.status}/${shorter.status}`,
          'this store ignores the signed Content-Length: size limits are not enforced; use another store',
        )
      : result('put-length', 'pass', `65 bytes: ${errorCode(longer)}, 63 bytes: ${errorCode(shorter)}`),
  );

  // Signed two minutes ago for 60 s: expired for a minute.
  const expiredUrl = await signedPut(probe, probe.key('put-expiry.png'), 64, { now: new Date(probe.now().getTime() - 120_000), expiresIn: 60 });
  const expired = await send('PUT', expiredUrl, { 'content-type': TYPE }, bytes(64));
  rows.push(
    ok(expired)
      ? result('put-expiry', 'fail', 'a URL expired a minute ago was accepted', 'this store ignores X-Amz-Expires: links never expire; use another store')
      : result('put-expiry', 'pass', `expired a minute ago: ${errorCode(expired)}`),
  );
  return rows;
}
