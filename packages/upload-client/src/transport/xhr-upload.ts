import { aborted } from '../api-error';
import { StoreError, type SendFile } from './send-file';
import { parseStoreError } from './store-error';

function storeError(xhr: XMLHttpRequest): StoreError {
  const text = typeof xhr.responseText === 'string' ? xhr.responseText : '';
  const { code, message: detail } = parseStoreError(text, xhr.status);
  const why: Record<string, string> = {
    AccessDenied: 'the upload link expired or does not allow this file',
    SignatureDoesNotMatch: 'the file does not match what was signed (type or size changed)',
    EntityTooLarge: 'the file is larger than was signed',
    EntityTooSmall: 'the file is smaller than was signed',
    RequestTimeTooSkewed: "this device's clock is wrong",
  };
  return new StoreError(xhr.status, code, `The store refused the upload: ${why[code] ?? detail ?? code}.`);
}

/**
 * Sends the file straight to the store with XMLHttpRequest (fetch has no upload progress).
 * PUT sends exactly the signed headers; POST sends the signed fields, then the file last.
 */
export const xhrUpload: SendFile = (target, file, { onProgress, signal }) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    let body: XMLHttpRequestBodyInit;
    if (target.method === 'PUT') {
      for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
      body = file;
    } else {
      const form = new FormData();
      for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
      form.append('file', file);
      body = form;
    }
    xhr.upload.onprogress = (event) => {
      if (!event.lengthComputable || event.total === 0) return;
      onProgress({ loaded: Math.min(file.size, Math.round((event.loaded / event.total) * file.size)), total: file.size });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve();
      } else reject(storeError(xhr));
    };
    xhr.onerror = () => reject(new StoreError(0, 'NetworkError', 'The upload was interrupted by a network error.'));
    xhr.onabort = () => reject(aborted());
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
