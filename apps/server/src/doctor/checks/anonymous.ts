import { errorCode, ok, send } from '../http';
import type { Probe } from '../probe';
import { result, type CheckResult } from '../types';

/** Without a signature nobody reads, writes or lists: the bucket is private. */
export async function checkAnonymous(probe: Probe): Promise<CheckResult> {
  const existing = probe.key('anonymous-read.txt');
  await probe.put(existing, 'private');
  const read = await send('GET', await probe.unsignedUrl(existing));
  const write = await send('PUT', await probe.unsignedUrl(probe.key('anonymous-write.txt')), { 'content-type': 'text/plain' }, 'anonymous');
  const listUrl = `${await probe.bucketUrl()}?list-type=2&prefix=${encodeURIComponent(probe.prefix)}`;
  // A store error says nothing about access (s3rver answers 500 while the other probes write): ask again.
  let list = await send('GET', listUrl);
  if (list.status >= 500) list = await send('GET', listUrl);
  const seen = `GET ${errorCode(read)}, PUT ${errorCode(write)}, list ${errorCode(list)}`;
  const open = [ok(read) && 'read', ok(write) && 'write', ok(list) && 'list'].filter(Boolean);
  if (open.length) {
    return result(
      'anonymous',
      'fail',
      `anonymous ${open.join(', ')} allowed: ${seen}`,
      'make the bucket private: remove public ACLs and policy grants; a store that allows this cannot host uploads',
    );
  }
  return result('anonymous', 'pass', seen);
}
