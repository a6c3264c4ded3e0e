import { parseStoreError } from './store-error';

export type PartResult = { ok: true; etag: string } | { ok: false; status: number; code: string; message: string; aborted: boolean };

/**
 * PUTs one slice of the user's File (never a generated Blob: Chromium fails large ones) to its
 * signed URL with XMLHttpRequest, reporting bytes sent. `xhr.abort()` ends it with `aborted`.
 */
export function putPart(
  part: { url: string; headers: Record<string, string> },
  slice: Blob,
  onSent: (bytes: number) => void,
  register: (xhr: XMLHttpRequest) => void,
): Promise<PartResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    register(xhr);
    xhr.open('PUT', part.url);
    for (const [name, value] of Object.entries(part.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onSent(event.loaded);
    const fail = (aborted: boolean) => {
      const text = typeof xhr.responseText === 'string' ? xhr.responseText : '';
      const { code, message } = parseStoreError(text, xhr.status);
      resolve({ ok: false, status: xhr.status, code, message: message ?? code, aborted });
    };
    xhr.onload = () => {
      const etag = xhr.getResponseHeader('ETag');
      if (xhr.status >= 200 && xhr.status < 300 && etag) resolve({ ok: true, etag });
      else fail(false);
    };
    xhr.onerror = () => fail(false);
    xhr.onabort = () => fail(true);
    xhr.send(slice);
  });
}
