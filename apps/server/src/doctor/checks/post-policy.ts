import { DECLARED_SIZE_META, DECLARED_TYPE_META } from '@app/api';
import { randomBytes } from 'node:crypto';
import { errorCode, ok, send, type RawResponse } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const SIZE = 64;
const TYPE = 'image/png';

/** A browser's form POST: the fields in order, the file last (S3 ignores fields after it). */
function postForm(url: string, fields: Record<string, string>, file: Buffer): Promise<RawResponse> {
  const boundary = `----doctor${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="doctor.png"\r\nContent-Type: ${fields['Content-Type'] ?? TYPE}\r\n\r\n`),
  );
  parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return send('POST', url, { 'content-type': `multipart/form-data; boundary=${boundary}` }, Buffer.concat(parts));
}

/** The product's POST policy: exact length, `eq $Content-Type`, no fields beyond the signed ones. */
export async function checkPostPolicy(probe: Probe): Promise<CheckResult> {
  const key = probe.key('post.png');
  const { url, fields } = await probe.storage.presignPost({
    key,
    contentType: TYPE,
    size: SIZE,
    metadata: { [DECLARED_SIZE_META]: String(SIZE), [DECLARED_TYPE_META]: TYPE },
    expiresIn: 60,
  });
  const honest = await postForm(url, fields, Buffer.alloc(SIZE, 1));
  if (!ok(honest)) {
    const unsupported = honest.status === 501 || honest.status === 405 || /NotImplemented/.test(honest.body.toString());
    return result(
      'post-policy',
      unsupported ? 'na' : 'fail',
      `${unsupported ? 'POST uploads not supported' : 'an honest POST was refused'}: ${errorCode(honest)}`,
      'the server offers PUT only on this store',
    );
  }
  const longer = await postForm(url, fields, Buffer.alloc(SIZE + 1, 1));
  const otherType = await postForm(url, { ...fields, 'Content-Type': 'text/html' }, Buffer.alloc(SIZE, 1));
  const extra = await postForm(url, { ...fields, 'x-amz-meta-doctor-extra': 'unsigned' }, Buffer.alloc(SIZE, 1));
  const seen = `longer file ${errorCode(longer)}, other Content-Type ${errorCode(otherType)}, extra field ${errorCode(extra)}`;
  if (ok(longer) || ok(otherType) || ok(extra)) {
    return result('post-policy', 'fail', `POST policy conditions not enforced: ${seen}`, 'the server offers PUT only on this store');
  }
  return result('post-policy', 'pass', seen);
}
