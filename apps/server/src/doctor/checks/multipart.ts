import { createHash } from 'node:crypto';
import { DECLARED_SIZE_META, DECLARED_TYPE_META } from '@app/api';
import { errorCode, ok, send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/**
 * Two 1 KiB parts through the product's multipart adapter and signed part URLs (with Content-MD5,
 * as the SPA sends them): each answers an ETag, ListParts returns both, and completing with parts
 * under 5 MiB shows whether the store enforces S3's minimum part size.
 */
export async function checkMultipart(probe: Probe): Promise<CheckResult> {
  const key = probe.key('multipart.bin');
  const storage = probe.storage;
  const uploadId = await storage.createMultipart({
    key,
    contentType: 'application/octet-stream',
    metadata: { [DECLARED_SIZE_META]: '2048', [DECLARED_TYPE_META]: 'application/octet-stream' },
  });
  try {
    const etags: string[] = [];
    for (const partNumber of [1, 2]) {
      const body = Buffer.alloc(1024, partNumber);
      const contentMd5 = createHash('md5').update(body).digest('base64');
      const { url, headers } = await storage.presignPart({ key, uploadId, partNumber, size: body.length, contentMd5, expiresIn: 60 });
      const origin = probe.target.webOrigins[0];
      const res = await send('PUT', url, { ...lower(headers), ...(origin ? { origin } : {}) }, body);
      if (!ok(res))
        return result(
          'multipart',
          'fail',
          `part ${partNumber} was refused: ${errorCode(res)}`,
          'multipart uploads (from UPLOAD_MULTIPART_THRESHOLD_BYTES) will fail on this store',
        );
      if (!res.headers.etag) return result('multipart', 'fail', `part ${partNumber} answered no ETag`, 'the SPA needs each part ETag: multipart uploads will fail');
      etags.push(res.headers.etag);
    }
    const listed = await storage.listParts(key, uploadId);
    const same = listed?.length === 2 && listed.every((p, i) => p.etag === etags[i] && p.size === 1024);
    if (!same) {
      return result('multipart', 'fail', `ListParts returned ${JSON.stringify(listed)}`, 'resuming and completing multipart uploads relies on ListParts: it will fail');
    }
    let minimum: string;
    try {
      await storage.completeMultipart(
        key,
        uploadId,
        listed.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
      );
      minimum = 'parts under 5 MiB accepted (the product uses 8-64 MiB parts)';
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      minimum = `parts under 5 MiB refused (${statusOf(error) ?? ''} ${name})`.replace('( ', '(');
    }
    return result('multipart', 'pass', `ETag on each part, ListParts lists both; ${minimum}`);
  } finally {
    await storage.abortMultipart(key, uploadId).catch(() => {});
  }
}

const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
