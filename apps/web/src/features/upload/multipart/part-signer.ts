import type { MultipartApi, Plan, SignedPart } from './api';
import { md5Of } from './md5';

/** Parts are signed in small batches just before use; a URL this close to expiry is signed again. */
const BATCH = 4;
const MARGIN_MS = 30_000;
/** How many upcoming parts should have a URL (or one on the way) while others upload. */
const LOOKAHEAD = 4;

/**
 * Hands out signed part URLs: hashes the part (and the next few waiting) in the worker, signs
 * their exact lengths and MD5s in one call, and re-signs expired or refused URLs.
 */
export class PartSigner {
  private readonly urls = new Map<number, Promise<SignedPart>>();

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

  /** Forgets a URL the store refused (expired, or a digest to compute again). */
  forget(partNumber: number): void {
    this.urls.delete(partNumber);
  }

  async get(partNumber: number, upcoming: readonly number[]): Promise<SignedPart> {
    const cached = this.urls.get(partNumber);
    if (cached) {
      const part = await cached.catch(() => null);
      if (part && part.expiresAt - Date.now() > MARGIN_MS) return part;
      this.urls.delete(partNumber);
    }
    // The very first part is signed alone, so bytes start flowing after one digest, not four.
    const others = this.urls.size === 0 ? [] : upcoming.filter((n) => n !== partNumber && !this.urls.has(n)).slice(0, BATCH - 1);
    return this.start([partNumber, ...others])[0]!;
  }

  /**
   * Hashes and signs the next parts in the background while others upload, so a part never waits
   * for its digest. Call it whenever a part starts sending.
   */
  prefetch(upcoming: readonly number[]): void {
    const soon = upcoming.slice(0, LOOKAHEAD);
    if (soon.every((n) => this.urls.has(n))) return;
    this.start(upcoming.filter((n) => !this.urls.has(n)).slice(0, BATCH));
  }

  private start(batch: number[]): Array<Promise<SignedPart>> {
    const signing = this.sign(batch);
    signing.catch(() => batch.forEach((n) => this.urls.delete(n)));
    return batch.map((n, i) => {
      const part = signing.then((parts) => parts[i]!);
      part.catch(() => {}); // awaited later, or never if the upload stops first
      this.urls.set(n, part);
      return part;
    });
  }

  private async sign(partNumbers: number[]): Promise<SignedPart[]> {
    const contentMd5: string[] = [];
    for (const n of partNumbers) contentMd5.push(await md5Of(this.slice(n)));
    const out = await this.call(() => this.api.signParts({ key: this.plan.key, uploadId: this.plan.uploadId, partNumbers, contentMd5 }));
    const expiresAt = Date.parse(out.expiresAt);
    return partNumbers.map((n) => ({ ...out.parts.find((p) => p.partNumber === n)!, expiresAt }));
  }
}
