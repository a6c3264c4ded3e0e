import type { MultipartApi, Plan, SignedPart } from './api';
import { md5Of } from './md5';

/** At most this many parts per signing call; a URL this close to expiry is signed again. */
const BATCH = 4;
const MARGIN_MS = 30_000;
/** How many parts ahead of the uploads are hashed (the worker hashes one at a time). */
const LOOKAHEAD = 4;

/**
 * Hands out signed part URLs. The worker hashes parts continuously, ahead of the uploads; a part
 * is signed as soon as its own digest is ready, together with any other parts already hashed, so no
 * upload waits for a whole batch of digests. Expired or refused URLs are signed again.
 */
export class PartSigner {
  private readonly urls = new Map<number, Promise<SignedPart>>();
  private readonly digests = new Map<number, Promise<string>>();
  private readonly ready = new Map<number, string>();

  constructor(
    private readonly file: File,
    private readonly plan: Plan,
    private readonly api: Pick<MultipartApi, 'signParts'>,
    private readonly call: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {}

  slice(partNumber: number): Blob {
    const start = (partNumber - 1) * this.plan.partSize;
    return this.file.slice(start, Math.min(this.file.size, start + this.plan.partSize));
  }

  /** Forgets a URL the store refused (expired), and the digest too when the store disputed it. */
  forget(partNumber: number, digestToo = false): void {
    this.urls.delete(partNumber);
    if (digestToo) {
      this.digests.delete(partNumber);
      this.ready.delete(partNumber);
    }
  }

  /** A signed URL for the part; a failed signing call rejects (after the API retries). */
  async get(partNumber: number, upcoming: readonly number[]): Promise<SignedPart> {
    for (let fresh = false; ; fresh = true) {
      const cached = this.urls.get(partNumber);
      if (cached) {
        const part = await cached;
        // A URL signed just now is used even when links are shorter-lived than the margin.
        if (fresh || part.expiresAt - Date.now() > MARGIN_MS) return part;
        this.urls.delete(partNumber);
      }
      this.hashAhead([partNumber, ...upcoming]);
      await this.digest(partNumber);
      if (!this.urls.has(partNumber)) this.signReady([partNumber, ...upcoming]);
    }
  }

  /** Adopts a digest computed before the plan was known (part 1, hashed while `start` ran). */
  seed(partNumber: number, digest: Promise<string>): void {
    digest.then((md5) => this.ready.set(partNumber, md5), () => this.digests.delete(partNumber));
    this.digests.set(partNumber, digest);
  }

  /** Keeps the worker busy with the next parts while others upload. Call it when a part starts. */
  prefetch(upcoming: readonly number[]): void {
    this.hashAhead(upcoming);
  }

  private hashAhead(order: readonly number[]): void {
    for (const n of order.slice(0, LOOKAHEAD)) this.digest(n).catch(() => {});
  }

  private digest(n: number): Promise<string> {
    let digest = this.digests.get(n);
    if (!digest) {
      digest = md5Of(this.slice(n));
      digest.then((md5) => this.ready.set(n, md5), () => this.digests.delete(n));
      this.digests.set(n, digest);
    }
    return digest;
  }

  /** Signs the first part and any others whose digests are ready and that have no URL yet. */
  private signReady(order: readonly number[]): void {
    const batch = order.filter((n) => this.ready.has(n) && !this.urls.has(n)).slice(0, BATCH);
    if (batch.length === 0) return;
    const contentMd5 = batch.map((n) => this.ready.get(n)!);
    const signing = this.call(() => this.api.signParts({ key: this.plan.key, uploadId: this.plan.uploadId, partNumbers: batch, contentMd5 }));
    signing.catch(() => batch.forEach((n) => this.urls.delete(n)));
    batch.forEach((n) => {
      const part = signing.then((out) => ({ ...out.parts.find((p) => p.partNumber === n)!, expiresAt: Date.parse(out.expiresAt) }));
      part.catch(() => {}); // awaited later, or never if the upload stops first
      this.urls.set(n, part);
    });
  }
}
