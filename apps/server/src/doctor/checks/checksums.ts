import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { errorCode, ok, send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckId, type CheckResult } from '../types';

const BODY = Buffer.from('doctor checksum probe: the signed digest is of these bytes');
// Same length, other bytes: only a store that checks the digest notices.
const CORRUPT = Buffer.from(BODY.toString('utf8').replace('probe', 'prOBE'));

const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const crc = (b: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b));
  return out.toString('base64');
};

/** PUTs `body` to a URL whose signature includes `header: digest(BODY)`. */
async function putWithDigest(probe: Probe, name: string, header: string, digest: string, body: Buffer) {
  const key = probe.key(name);
  const headers = { 'Content-Type': 'text/plain', [header]: digest };
  const url = await probe.presign({ method: 'PUT', key, headers: { ...headers, 'Content-Length': String(body.length) }, expiresIn: 60 });
  return send('PUT', url, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body);
}

/** Content-MD5 (signed, as the SPA sends it per part): is a corrupted body refused? */
export async function checkContentMd5(probe: Probe): Promise<CheckResult> {
  const honest = await putWithDigest(probe, 'md5-honest.txt', 'Content-MD5', md5(BODY), BODY);
  if (!ok(honest)) {
    return result(
      'content-md5',
      'fail',
      `a correct Content-MD5 was refused: ${errorCode(honest)}`,
      'the SPA signs Content-MD5 on parts: this store cannot take multipart uploads from it',
    );
  }
  const corrupt = await putWithDigest(probe, 'md5-corrupt.txt', 'Content-MD5', md5(BODY), CORRUPT);
  if (ok(corrupt)) {
    return result(
      'content-md5',
      'fail',
      'a body that does not match its Content-MD5 was stored',
      'corrupted parts are not caught by the store; complete still checks sizes and ETags',
    );
  }
  return result('content-md5', 'pass', `a mismatching body is refused: ${errorCode(corrupt)}`);
}

async function checkFlexible(probe: Probe, id: CheckId, header: string, digest: (b: Buffer) => string): Promise<CheckResult> {
  const honest = await putWithDigest(probe, `${id}-honest.txt`, header, digest(BODY), BODY);
  if (!ok(honest)) {
    return result(id, 'na', `refused even when correct: ${errorCode(honest)}`, "the product never sends it (the SDK's checksum default stays off)");
  }
  const corrupt = await putWithDigest(probe, `${id}-corrupt.txt`, header, digest(BODY), CORRUPT);
  if (ok(corrupt)) return result(id, 'na', 'ignored: a mismatching body was stored', 'the SPA uses Content-MD5 on this store');
  return result(id, 'pass', `verified: a mismatching body is refused (${errorCode(corrupt)})`);
}

export async function checkChecksums(probe: Probe): Promise<CheckResult[]> {
  return [await checkFlexible(probe, 'checksum-crc32', 'x-amz-checksum-crc32', crc), await checkFlexible(probe, 'checksum-sha256', 'x-amz-checksum-sha256', sha256)];
}
