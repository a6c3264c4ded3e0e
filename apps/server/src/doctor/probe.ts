import { AbortMultipartUploadCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { UploadStorage } from '@app/api';
import { randomBytes } from 'node:crypto';
import { createPresigner, type Presign } from '../storage/presigner';
import { createS3Storage } from '../storage/s3-storage';
import { createNodeSealer } from '../storage/sealer';

/**
 * Where the doctor writes. Under `staging/` because that is where the product's pre-signed PUTs
 * land, so the store layers that guard staging (the deny-copy policy, the lifecycle rule, the
 * server's IAM scope) apply to the probes exactly as to users; `.doctor` can never be a user's
 * segment (those start with a letter or digit), so no user can `complete` a probe object.
 * The promotion probe copies to `uploads/.doctor/` for the same reason.
 */
export const PROBE_ROOT = 'staging/.doctor/';
export const PROBE_FINAL_ROOT = 'uploads/.doctor/';

export interface DoctorTarget {
  client: S3Client;
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  forcePathStyle: boolean;
  webOrigins: string[];
}

/** One doctor run: throwaway keys, the product's own signer and storage adapter, cleanup. */
export class Probe {
  readonly prefix: string;
  readonly finalPrefix: string;
  readonly storage: UploadStorage;
  private readonly presigner: Presign;
  private readonly written = new Set<string>();

  constructor(
    readonly target: DoctorTarget,
    /** Added to this machine's clock: tests play a skewed clock with it. */
    readonly clockOffsetMs = 0,
  ) {
    const run = `${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}-${randomBytes(4).toString('hex')}/`;
    this.prefix = PROBE_ROOT + run;
    this.finalPrefix = PROBE_FINAL_ROOT + run;
    this.presigner = createPresigner(target.client, target.bucket);
    // The doctor never completes an upload: a throwaway secret seals its probes' metadata.
    this.storage = createS3Storage(target.client, target.bucket, createNodeSealer(randomBytes(32).toString('hex')));
  }

  get client() {
    return this.target.client;
  }

  get bucket() {
    return this.target.bucket;
  }

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** A fresh key under the probe prefix, remembered for cleanup. */
  key(name: string, root: 'staging' | 'final' = 'staging'): string {
    const key = (root === 'staging' ? this.prefix : this.finalPrefix) + name;
    this.written.add(key);
    return key;
  }

  /** A pre-signed URL as the product signs them (the doctor's clock, so a skew shows). */
  presign(request: Omit<Parameters<Presign>[0], 'now'> & { now?: Date }): Promise<string> {
    return this.presigner({ ...request, now: request.now ?? this.now() });
  }

  /** The object's URL without a signature, as an anonymous client would use it. */
  async unsignedUrl(key: string): Promise<string> {
    const url = new URL(await this.presign({ method: 'GET', key, expiresIn: 60 }));
    return url.origin + url.pathname;
  }

  /** The bucket's own URL (list, POST), unsigned. */
  async bucketUrl(): Promise<string> {
    const url = await this.unsignedUrl(this.prefix + 'x');
    return url.slice(0, url.length - (this.prefix.length + 1));
  }

  async put(key: string, body: string, contentType = 'text/plain'): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** Deletes what this run wrote, and anything else under its prefixes (also after a failure). */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const keys = new Set(this.written);
    for (const prefix of [this.prefix, this.finalPrefix]) {
      try {
        const uploads = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix }));
        for (const u of uploads.Uploads ?? []) {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
        }
      } catch {
        // Not every store lists multipart uploads; the tracked keys below are still removed.
      }
      try {
        const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
        for (const o of listed.Contents ?? []) if (o.Key) keys.add(o.Key);
      } catch (error) {
        problems.push(`list ${prefix}: ${(error as Error).message}`);
      }
    }
    for (const key of keys) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (error) {
        problems.push(`delete ${key}: ${(error as Error).message}`);
      }
    }
    return problems;
  }
}
