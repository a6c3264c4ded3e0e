/// <reference lib="webworker" />
import { createMD5 } from 'hash-wasm';

/** Hashes file slices off the main thread, so the page stays responsive during large uploads. */
const hasher = createMD5();

async function hash(id: number, blob: Blob) {
  try {
    const md5 = await hasher;
    md5.init();
    const reader = blob.stream().getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) md5.update(chunk.value);
    const digest = md5.digest('binary');
    self.postMessage({ id, md5: btoa(String.fromCharCode(...digest)) });
  } catch (error) {
    self.postMessage({ id, error: String((error as Error)?.message ?? error) });
  }
}

// One hasher, one slice at a time: a second message must not reset it mid-way through the first.
let queue = Promise.resolve();
self.onmessage = (event: MessageEvent<{ id: number; blob: Blob }>) => {
  const { id, blob } = event.data;
  queue = queue.then(() => hash(id, blob));
};
