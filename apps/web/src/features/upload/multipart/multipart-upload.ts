import { choosePartSize } from '@app/api/policy';
import { TRPCClientError } from '@trpc/client';
import type { MultipartApi, Plan } from './api';
import { backoffMs, sleep } from './backoff';
import { HASH_WORKERS, md5Of } from './md5';
import { PartSigner } from './part-signer';
import { ProgressMeter, type MultipartProgress } from './progress';
import { putPart } from './put-part';

export type EngineState = 'uploading' | 'paused' | 'offline' | 'waiting' | 'verifying';

export interface MultipartOptions {
  concurrency: number;
  /** Sign each part's Content-MD5 (the store verifies it); off where `upload.policy` says it does not. */
  contentMd5?: boolean;
  /** A plan from an earlier session: only the parts the store lacks are sent. */
  plan?: Plan | undefined;
  onPlan?: (plan: Plan) => void;
  onProgress: (progress: MultipartProgress) => void;
  onState: (state: EngineState) => void;
}

const MAX_ATTEMPTS = 8;
/** No digest: the store would not check it (or refuses Content-MD5), so nothing is hashed or signed. */
const noDigest = async () => '';
const interrupted = () => new DOMException('Upload paused or cancelled', 'AbortError');

/**
 * One file in parts: several in flight, each retried with backoff and jitter, re-signed when its
 * URL expires; pauses on request, when offline, or on 429; ListParts decides what is left to send.
 */
export class MultipartUpload {
  private readonly done = new Map<number, string>();
  private readonly sent = new Map<number, number>();
  private readonly requests = new Set<XMLHttpRequest>();
  private readonly waiters = new Set<() => void>();
  private pending: number[] = [];
  private paused = false;
  /** A part has been sent (the row shows "uploading" from then on). */
  private sending = false;
  private cancelled = false;
  private holdUntil = 0;
  private plan: Plan | null = null;
  private readonly meter: ProgressMeter;
  private readonly online = () => this.wake();

  constructor(private readonly file: File, private readonly api: MultipartApi, private readonly options: MultipartOptions) {
    this.meter = new ProgressMeter(file.size);
  }

  async run() {
    window.addEventListener('online', this.online);
    try {
      // The part size is the server's choice, but the rule is shared: each hashing worker hashes one
      // of the first parts while `start` runs, so they are signed together in the first call.
      const expectedPartSize = choosePartSize(this.file.size);
      const hash = this.options.contentMd5 === false ? noDigest : md5Of;
      const firstParts = this.options.plan || hash === noDigest ? 0 : Math.min(HASH_WORKERS, Math.ceil(this.file.size / expectedPartSize));
      const firstDigests = Array.from({ length: firstParts }, (_, i) => {
        const digest = md5Of(this.file.slice(i * expectedPartSize, (i + 1) * expectedPartSize));
        digest.catch(() => {});
        return digest;
      });
      const plan = this.options.plan ?? (await this.call(() => this.api.start({ fileName: this.file.name, contentType: this.file.type, size: this.file.size })));
      this.plan = plan;
      this.options.onPlan?.(plan);
      const signer = new PartSigner(this.file, plan, this.api, (fn) => this.call(fn), { hash, minBatch: HASH_WORKERS });
      if (plan.partSize === expectedPartSize) firstDigests.forEach((digest, i) => signer.seed(i + 1, digest));
      if (this.options.plan) {
        const { parts } = await this.call(() => this.api.listParts({ key: plan.key, uploadId: plan.uploadId }));
        for (const p of parts) if (p.size === signer.slice(p.partNumber).size) this.done.set(p.partNumber, p.etag);
      }
      this.pending = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !this.done.has(n));
      this.report();
      // The row says "uploading" from the first PUT on, as for a single PUT; until then it is preparing
      // (start, hashing the first parts, signing them).
      await Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker(signer)));
      if (this.cancelled) throw interrupted();
      this.options.onState('verifying');
      const parts = [...this.done].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
      return await this.call(() => this.api.complete({ key: plan.key, uploadId: plan.uploadId, parts }));
    } finally {
      window.removeEventListener('online', this.online);
    }
  }

  pause() {
    this.paused = true;
    for (const xhr of this.requests) xhr.abort();
    this.options.onState('paused');
  }

  resume() {
    this.paused = false;
    this.options.onState('uploading');
    this.wake();
  }

  /** Stops, and aborts the multipart upload on the store so its parts are freed. */
  async cancel() {
    this.cancelled = true;
    for (const xhr of this.requests) xhr.abort();
    this.wake();
    if (this.plan) await this.api.abort({ key: this.plan.key, uploadId: this.plan.uploadId }).catch(() => {});
  }

  private async worker(signer: PartSigner) {
    for (;;) {
      await this.whenRunnable();
      if (this.cancelled) return;
      const n = this.pending.shift();
      if (n === undefined) return;
      try {
        await this.sendPart(signer, n);
      } catch (error) {
        if (!(error instanceof DOMException && error.name === 'AbortError')) {
          this.cancelled = true;
          for (const xhr of this.requests) xhr.abort();
          throw error;
        }
        if (!this.cancelled) this.pending.unshift(n);
      }
    }
  }

  private async sendPart(signer: PartSigner, n: number) {
    for (let attempt = 0; ; attempt++) {
      const part = await signer.get(n, this.pending);
      // Paused or cancelled while this part was being hashed or signed: it is not sent.
      if (this.paused || this.cancelled) throw interrupted();
      signer.prefetch(this.pending);
      if (!this.sending) {
        this.sending = true;
        this.options.onState('uploading');
      }
      const result = await putPart(part, signer.slice(n), (bytes) => this.progress(n, bytes), (xhr) => this.requests.add(xhr));
      this.sent.delete(n);
      for (const xhr of this.requests) if (xhr.readyState === XMLHttpRequest.DONE) this.requests.delete(xhr);
      if (result.ok) {
        this.done.set(n, result.etag);
        this.report();
        return;
      }
      this.report();
      if (result.aborted || this.paused || this.cancelled) throw interrupted();
      // An expired URL or a digest the store refused is signed again at once; anything else waits.
      const stale = (result.status === 403 && /expired/i.test(result.message)) || result.code === 'BadDigest';
      if (stale) signer.forget(n, result.code === 'BadDigest');
      if (attempt + 1 >= MAX_ATTEMPTS) throw new Error(`Part ${n} failed ${MAX_ATTEMPTS} times: ${result.message}.`);
      if (!stale) await sleep(backoffMs(attempt));
      await this.whenRunnable();
    }
  }

  /** Calls the API, waiting out 429s (Retry-After) and retrying store or network hiccups. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.whenRunnable();
      try {
        return await fn();
      } catch (error) {
        const data = error instanceof TRPCClientError ? (error.data as { code?: string; retryAfterSeconds?: number } | undefined) : undefined;
        const retriable = data?.code === 'TOO_MANY_REQUESTS' || data?.code === 'SERVICE_UNAVAILABLE' || (error instanceof TRPCClientError && !data);
        if (!retriable || attempt + 1 >= MAX_ATTEMPTS || this.cancelled) throw error;
        if (data?.code === 'TOO_MANY_REQUESTS') this.holdUntil = Date.now() + (data.retryAfterSeconds ?? 5) * 1000;
        else await sleep(backoffMs(attempt));
      }
    }
  }

  private async whenRunnable() {
    let held = false;
    while (!this.cancelled && (this.paused || !navigator.onLine || Date.now() < this.holdUntil)) {
      held = true;
      this.options.onState(this.paused ? 'paused' : navigator.onLine ? 'waiting' : 'offline');
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        setTimeout(resolve, Math.max(250, Math.min(1000, this.holdUntil - Date.now())));
      });
    }
    if (held && !this.cancelled) this.options.onState('uploading');
  }

  private wake() {
    for (const resolve of this.waiters) resolve();
    this.waiters.clear();
  }

  private progress(n: number, bytes: number) {
    this.sent.set(n, bytes);
    this.report();
  }

  private report() {
    const partCount = this.plan?.partCount ?? 0;
    let acknowledged = 0;
    for (const n of this.done.keys()) acknowledged += Math.min(this.plan!.partSize, this.file.size - (n - 1) * this.plan!.partSize);
    let inFlight = 0;
    for (const bytes of this.sent.values()) inFlight += bytes;
    this.options.onProgress(this.meter.update(acknowledged, inFlight, this.done.size, partCount));
  }
}
