import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { errorCode, ok, send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const BODY = 'doctor: honest bytes';

/** An honest pre-signed PUT, sent with extra headers that are NOT part of the signature. */
async function putWithUnsigned(probe: Probe, key: string, unsigned: Record<string, string>) {
  const url = await probe.presign({ method: 'PUT', key, headers: { 'Content-Type': 'text/plain', 'Content-Length': String(BODY.length) }, expiresIn: 60 });
  return send('PUT', url, { 'content-type': 'text/plain', ...unsigned }, BODY);
}

/** `x-amz-acl: public-read` / an AllUsers grant: refused, or stored but not readable anonymously. */
export async function checkUnsignedAcl(probe: Probe): Promise<CheckResult> {
  const seen: string[] = [];
  const open: string[] = [];
  const variants = {
    'x-amz-acl: public-read': { 'x-amz-acl': 'public-read' },
    'x-amz-grant-read: AllUsers': { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' },
  };
  for (const [label, headers] of Object.entries(variants)) {
    const key = probe.key(`acl-${label.slice(0, 12).replace(/\W/g, '')}.txt`);
    const put = await putWithUnsigned(probe, key, headers);
    if (!ok(put)) {
      seen.push(`${label}: refused (${errorCode(put)})`);
      continue;
    }
    const read = await send('GET', await probe.unsignedUrl(key));
    if (ok(read)) open.push(label);
    seen.push(`${label}: stored, anonymous GET ${errorCode(read)}`);
  }
  if (open.length) {
    return result(
      'unsigned-acl',
      'fail',
      `${seen.join('; ')}: anyone can publish through a signed URL`,
      'run pnpm s3:setup (public access block: IgnorePublicAcls); if the store has none, it is unsafe',
    );
  }
  return result('unsigned-acl', 'pass', seen.join('; '));
}

/** `x-amz-copy-source` on a signed PUT turns it into a copy with the server's rights (Ceph RGW). */
export async function checkUnsignedCopySource(probe: Probe): Promise<CheckResult> {
  const source = probe.key('copy-secret.txt');
  const secret = 'doctor: a secret the uploader must never obtain';
  await probe.put(source, secret);
  const target = probe.key('copy-target.txt');
  const copySource = `/${probe.bucket}/${source.split('/').map(encodeURIComponent).join('/')}`;
  const put = await putWithUnsigned(probe, target, { 'x-amz-copy-source': copySource });
  if (!ok(put)) return result('unsigned-copy-source', 'pass', `refused: ${errorCode(put)}`);
  const stored = await probe.client.send(new GetObjectCommand({ Bucket: probe.bucket, Key: target }));
  const bytes = (await stored.Body?.transformToString()) ?? '';
  if (bytes === secret) {
    return result(
      'unsigned-copy-source',
      'fail',
      'a signed PUT with x-amz-copy-source copied another object into the upload key',
      'run pnpm s3:setup (bucket policy: deny s3:PutObject on staging/* with s3:x-amz-copy-source); without it uploaders can read anything the server can',
    );
  }
  return result('unsigned-copy-source', 'pass', `accepted as a plain PUT (${put.status}), the header was ignored`);
}

/**
 * `Content-Disposition` is not an x-amz header, so even AWS takes it unsigned: what matters is that
 * the product's promotion copy (the server's own code) does not carry it to the final object.
 */
export async function checkUnsignedDisposition(probe: Probe): Promise<CheckResult> {
  const staged = probe.key('disposition.txt');
  const put = await putWithUnsigned(probe, staged, { 'content-disposition': 'inline; filename="doctor.html"' });
  if (!ok(put)) return result('unsigned-disposition', 'pass', `refused: ${errorCode(put)}`);
  const head = await probe.client.send(new HeadObjectCommand({ Bucket: probe.bucket, Key: staged }));
  if (!head.ContentDisposition) return result('unsigned-disposition', 'pass', `accepted (${put.status}) but not stored`);
  const final = probe.key('disposition.txt', 'final');
  // The product's own promotion copy, as `complete` calls it.
  await probe.storage.copyObject({
    source: staged,
    target: final,
    etag: head.ETag ?? '',
    size: head.ContentLength ?? BODY.length,
    contentType: 'text/plain',
    metadata: {},
  });
  const promoted = await probe.client.send(new HeadObjectCommand({ Bucket: probe.bucket, Key: final }));
  if (promoted.ContentDisposition) {
    return result(
      'unsigned-disposition',
      'fail',
      `stored on the staged object and kept by the promotion copy ("${promoted.ContentDisposition}")`,
      'update the server: its promotion must replace the metadata (MetadataDirective REPLACE)',
    );
  }
  return result('unsigned-disposition', 'pass', 'stored on the staged object, dropped by the promotion copy');
}
