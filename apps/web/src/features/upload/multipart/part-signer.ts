import type { MultipartApi, Plan, SignedPart } from './api';

/** At most this many parts per signing call (the server takes 20); a URL this close to expiry is signed again. */
const BATCH = 8;
const MARGIN_MS = 30_000;
/** How many parts ahead of the uploads are hashed (each worker hashes one at a time). */
const LOOKAHEAD = 4;

interface Queued {
  resolve: (part: SignedPart) => void;
  reject: (error: unknown) => void;
}

export interface SignerOptions {
  /** Base64 MD5 of a slice (off the main thread in the app). */
  hash: (slice: Blob) => Promise<string>;
  /**
   * Parts per signing call, at least, while other parts are being hashed: the number of hashing
   * workers, whose digests come in together. 1 signs each part as soon as it is hashed.
   */
  minBatch: number;
}

/**
 * Hands out signed part URLs. The workers hash parts continuously, ahead of the uploads; a part
 * is signed once its own digest is ready, together with every other part already hashed. A call
 * waits for a partner digest still being hashed until it holds `minBatch` parts, and one call is in
 * flight at a time: parts that become ready meanwhile go together in the next call. Once hashing
 * has caught up with its lookahead, the parts it hashed are signed together, before an upload asks.
 * This bounds the API traffic of a large file (8 parts: at most 4 calls with two workers). Expired or
 * refused URLs are signed again.
 */
export class PartSigner {
  private readonly urls = new Map<number, Promise<SignedPart>>();
  private readonly digests = new Map<number, Promise<string>>();
  private readonly ready = new Map<number, string>();
  private readonly queue = new Map<number, Queued>();
  /** Parts whose digest is being computed. */
  private readonly hashing = new Set<number>();
  private signing = false;

  constructor(
    private readonly file: File,
    private readonly plan: Plan,
    private readonly api: Pick<MultipartApi, 'signParts'>,
    private readonly call: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly options: SignerOptions,
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

  /** Adopts a digest computed before the plan was known (the first parts, hashed while `start` ran). */
  seed(partNumber: number, digest: Promise<string>): void {
    this.track(partNumber, digest);
  }

  /** Keeps the worker busy with the next parts while others upload. Call it when a part starts. */
  prefetch(upcoming: readonly number[]): void {
    this.hashAhead(upcoming);
  }

  private hashAhead(order: readonly number[]): void {
    for (const n of order.slice(0, LOOKAHEAD)) this.digest(n).catch(() => {});
  }

  private digest(n: number): Promise<string> {
    return this.digests.get(n) ?? this.track(n, this.options.hash(this.slice(n)));
  }

  private track(n: number, digest: Promise<string>): Promise<string> {
    this.digests.set(n, digest);
    this.hashing.add(n);
    const settled = () => {
      this.hashing.delete(n);
      // A call waiting for a partner takes this digest (or goes without it, if it failed).
      if (this.queue.size > 0) this.signReady([...this.queue.keys()]);
      else if (this.hashing.size === 0) this.signAhead();
    };
    digest.then(
      (md5) => {
        this.ready.set(n, md5);
        settled();
      },
      () => {
        this.digests.delete(n);
        settled();
      },
    );
    return digest;
  }

  /**
   * When hashing has caught up with its lookahead, the parts it hashed are signed together before
   * any upload asks, so a slot that frees up starts its next part at once.
   */
  private signAhead(): void {
    const unsigned = [...this.ready.keys()].filter((n) => !this.urls.has(n));
    if (unsigned.length >= this.options.minBatch) this.signReady(unsigned);
  }

  /** Queues the parts (first the one asked for) whose digests are ready and that have no URL yet. */
  private signReady(order: readonly number[]): void {
    const others = [...this.ready.keys()].filter((n) => !order.includes(n));
    for (const n of [...order, ...others]) {
      if (!this.ready.has(n) || this.urls.has(n)) continue;
      const part = new Promise<SignedPart>((resolve, reject) => this.queue.set(n, { resolve, reject }));
      // A failed call leaves the part to be signed again; the catch also covers a URL never awaited.
      part.catch(() => this.urls.delete(n));
      this.urls.set(n, part);
    }
    this.flush();
  }

  /**
   * Sends the queued parts in one call, unless a call is already on its way (it flushes after) or
   * the batch is short of `minBatch` while another part without a URL is being hashed.
   */
  private flush(): void {
    if (this.signing || this.queue.size === 0) return;
    // A part being hashed has no URL yet (forgetting a URL or a digest happens before hashing again).
    if (this.queue.size < this.options.minBatch && this.hashing.size > 0) return;
    const batch = [...this.queue].slice(0, BATCH);
    for (const [n] of batch) this.queue.delete(n);
    const partNumbers = batch.map(([n]) => n);
    const digests = partNumbers.map((n) => this.ready.get(n)!);
    // An empty digest means the upload does not hash (the store does not verify Content-MD5).
    const contentMd5 = digests.every(Boolean) ? digests : undefined;
    this.signing = true;
    this.call(() => this.api.signParts({ key: this.plan.key, uploadId: this.plan.uploadId, partNumbers, contentMd5 }))
      .then(
        (out) => {
          const expiresAt = Date.parse(out.expiresAt);
          for (const [n, waiter] of batch) waiter.resolve({ ...out.parts.find((p) => p.partNumber === n)!, expiresAt });
        },
        (error: unknown) => batch.forEach(([, waiter]) => waiter.reject(error)),
      )
      .finally(() => {
        this.signing = false;
        this.flush();
      });
  }
}
