import { choosePartSize } from '@app/api/policy';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchS3 } from './local-s3';
import { mbps } from './multipart-trial';
import { cpuShare, cpuSnapshot } from './proc-cpu';
import { openBlank, type FileOnDisk } from './spa-page';
import type { SpaStack } from './spa-stack';

/**
 * The ceiling of the technique itself, without the SPA: a bare page uploads the picked file as
 * parts without any hashing, and as parts whose MD5 two workers compute first (hash-wasm, as the
 * product does). URLs are signed up front by the bench with the product's own presigner, so no
 * API call is in the way: what the SPA loses against it is the product's.
 */
export type CeilingVariant = 'parts' | 'parts+md5';

export interface CeilingTrial {
  mbps: number;
  /** % of one core per process group during the upload. */
  cpu: Map<string, number>;
}

const HASH_WASM_MD5 = fileURLToPath(new URL('../../packages/upload-client/node_modules/hash-wasm/dist/md5.umd.min.js', import.meta.url));

/** The hashing worker: hash-wasm's MD5 over the slice's stream, one slice at a time. */
const WORKER_BODY = `
const hasher = hashwasm.createMD5();
let queue = Promise.resolve();
onmessage = (e) => {
  const { id, blob } = e.data;
  queue = queue.then(async () => {
    const md5 = await hasher;
    md5.init();
    const reader = blob.stream().getReader();
    for (let c = await reader.read(); !c.done; c = await reader.read()) md5.update(c.value);
    postMessage({ id, md5: btoa(String.fromCharCode(...md5.digest('binary'))) });
  }).catch((error) => postMessage({ id, error: String(error) }));
};`;

interface PartTarget {
  url: string;
  headers: Record<string, string>;
}
/**
 * Runs in the page before the clock starts: the hashing workers, created and given time to compile
 * hash-wasm, as the SPA warms its pool while idle. Plain JavaScript source: tsx would add helpers
 * to a function's text that the page does not have.
 */
const SETUP = `async (worker) => {
  const workers = [0, 1].map(() => new Worker(URL.createObjectURL(new Blob([worker], { type: 'text/javascript' }))));
  const waiting = new Map();
  for (const w of workers) {
    w.onmessage = (e) => waiting.get(e.data.id)(e.data);
    w.onerror = (e) => { for (const settle of waiting.values()) settle({ error: e.message || 'the worker failed' }); };
  }
  window.__ceiling = { workers, waiting };
  await new Promise((r) => setTimeout(r, 200));
}`;

/** Runs in the page, timed: the picked file as parts, `concurrency` in flight. */
const IN_PAGE = `async ({ parts, md5s, partSize, concurrency }) => {
  const file = document.querySelector('#f').files[0];
  const put = (t, body) => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', t.url);
    for (const [k, v] of Object.entries(t.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = () => undefined;
    xhr.onload = () => (xhr.status === 200 ? resolve(xhr.getResponseHeader('ETag') || '') : reject(new Error('PUT: HTTP ' + xhr.status + ' ' + xhr.responseText.slice(0, 200))));
    xhr.onerror = () => reject(new Error('PUT: network error'));
    xhr.send(body);
  });
  const { workers, waiting } = window.__ceiling || { workers: [], waiting: new Map() };
  const t0 = performance.now();
  const n = parts.length;
  const slice = (i) => file.slice(i * partSize, Math.min(file.size, (i + 1) * partSize));
  // As the product: hashing runs up to 4 parts ahead of the part being sent, each worker one slice at a time.
  const digests = new Map();
  const digest = (i) => {
    if (i < n && !digests.has(i)) {
      digests.set(i, new Promise((resolve, reject) => {
        waiting.set(i, (m) => (m.md5 ? resolve(m.md5) : reject(new Error('MD5 of part ' + (i + 1) + ': ' + m.error))));
        workers[i % 2].postMessage({ id: i, blob: slice(i) });
      }));
      digests.get(i).catch(() => {});
    }
    return digests.get(i);
  };
  const etags = [];
  let next = 0;
  const slot = async () => {
    for (let i = next++; i < n; i = next++) {
      if (md5s) {
        for (let k = i; k <= i + 4; k++) digest(k);
        const md5 = await digest(i);
        if (md5 !== md5s[i]) throw new Error('part ' + (i + 1) + ': MD5 ' + md5 + ', expected ' + md5s[i]);
      }
      etags[i] = await put(parts[i], slice(i));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  for (const w of workers) w.terminate();
  return { ms: performance.now() - t0, etags };
}`;

async function partMd5s(file: FileOnDisk, partSize: number): Promise<string[]> {
  const out: string[] = [];
  for (let start = 0; start < file.size; start += partSize) {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(file.path, { start, end: Math.min(file.size, start + partSize) - 1 })) hash.update(chunk as Buffer);
    out.push(hash.digest('base64'));
  }
  return out;
}

/** One trial per call: a fresh blank tab on the app's origin (the bucket's CORS rule applies). */
export async function ceilingRunner(stack: SpaStack, s3: BenchS3, file: FileOnDisk, concurrency: number) {
  const { storage } = s3;
  const worker = readFileSync(HASH_WASM_MD5, 'utf8') + WORKER_BODY;
  const partSize = choosePartSize(file.size);
  const md5s = await partMd5s(file, partSize);
  const type = 'video/mp4';
  return async function trial(variant: CeilingVariant): Promise<CeilingTrial> {
    const key = `staging/bench-ceiling/${randomUUID()}.mp4`;
    let uploadId: string | undefined;
    const page = await openBlank(stack.browser, stack.server.origin);
    try {
      await page.locator('#f').setInputFiles(file.path);
      const parts: PartTarget[] = [];
      uploadId = (await s3.admin.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key, ContentType: type }))).UploadId!;
      for (let i = 0; i < md5s.length; i++) {
        const size = Math.min(partSize, file.size - i * partSize);
        const contentMd5 = variant === 'parts+md5' ? md5s[i] : undefined;
        parts.push(await storage.presignPart({ key, uploadId, partNumber: i + 1, size, contentMd5, expiresIn: 600 }));
      }
      if (variant === 'parts+md5') await page.evaluate(`(${SETUP})(${JSON.stringify(worker)})`);
      const before = cpuSnapshot(process.pid, stack.server.pid, s3.dataDir);
      const t0 = performance.now();
      const args = { parts, md5s: variant === 'parts+md5' ? md5s : null, partSize, concurrency };
      const out = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(args)})`)) as { ms: number; etags: string[] };
      const cpu = cpuShare(before, cpuSnapshot(process.pid, stack.server.pid, s3.dataDir), performance.now() - t0);
      if (uploadId) {
        const Parts = out.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 }));
        await s3.admin.send(new CompleteMultipartUploadCommand({ Bucket: s3.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts } }));
        uploadId = undefined;
      }
      return { mbps: mbps(file.size, out.ms), cpu };
    } finally {
      await page.close();
      if (uploadId) await s3.admin.send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      await s3.emptyBucket();
    }
  };
}
