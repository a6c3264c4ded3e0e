import type { UploadApi } from './upload-api';
import type { Update } from './upload-item';
import { xhrUpload } from './xhr-upload';

/**
 * A file in one signed PUT (or POST), then its verification. With `stagedKey` the bytes are already
 * in the store and only the verification is repeated.
 */
export async function runSingle(api: UploadApi, file: File, { stagedKey, signal, update }: { stagedKey?: string | undefined; signal: AbortSignal; update: Update }) {
  let key = stagedKey;
  if (!key) {
    const target = await api.requestUrl({ fileName: file.name, contentType: file.type, size: file.size });
    if (signal.aborted) throw new DOMException('Upload cancelled', 'AbortError');
    update({ status: 'uploading' });
    await xhrUpload(target, file, { signal, onProgress: ({ loaded }) => update({ loaded }) });
    key = target.key;
  }
  update({ status: 'verifying', stagedKey: key });
  const result = await api.complete({ key });
  update({ status: 'done', result, loaded: file.size });
}
