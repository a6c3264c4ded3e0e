import { VersionChangedError, type DownloadResponse, type SignRequest, type StoredObject, type UploadStorage } from '../context';
import type { UsageSource } from '../ledger';
import { createUploadSealer } from '../seal';

/** The secret of router tests' sealer. */
export const TEST_SEAL_SECRET = 'router-tests-upload-metadata-secret-0123456789';

interface MemoryObject extends StoredObject {
  body: Uint8Array;
  lastModified?: Date;
}

const utf8 = new TextEncoder();
/** Compares keys by their UTF-8 bytes, as S3 orders a listing (not by UTF-16 code units). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

/**
 * An in-memory stand-in for the store, for router unit tests: records what was signed and lets a
 * test "upload" an object. The real store is exercised by the server's integration tests.
 */
export function memoryStorage() {
  const objects = new Map<string, MemoryObject>();
  const json = new Map<string, unknown>();
  const uploads = new Map<string, { key: string; contentType: string; metadata: Record<string, string>; parts: Map<number, Uint8Array> }>();
  const partUrls: Array<{ partNumber: number; size: number; contentMd5?: string | undefined }> = [];
  const signed: Array<SignRequest & { method: 'PUT' | 'POST' }> = [];
  const downloads: Array<{ key: string; response: DownloadResponse | undefined }> = [];
  const signedMetadata = new Map<string, Record<string, string>>();
  const asked: string[] = [];
  const scans: string[] = [];
  let failing: Error | null = null;
  let version = 0;
  const guard = (what: string) => {
    asked.push(what);
    if (failing) throw failing;
  };
  const get = (key: string, etag: string) => {
    const object = objects.get(key);
    if (!object || object.etag !== etag) throw new VersionChangedError(key);
    return object;
  };
  const storage: UploadStorage = {
    scanUsage: (user) => usage.scanUsage(user),
    sealer: createUploadSealer(TEST_SEAL_SECRET),
    async presignPut(request) {
      guard(`presignPut ${request.key}`);
      signed.push({ ...request, method: 'PUT' });
      signedMetadata.set(request.key, request.metadata);
      return { url: `https://store.test/bucket/${request.key}?sig=1`, headers: { 'Content-Type': request.contentType } };
    },
    async presignPost(request) {
      guard(`presignPost ${request.key}`);
      signed.push({ ...request, method: 'POST' });
      signedMetadata.set(request.key, request.metadata);
      return { url: 'https://store.test/bucket', fields: { key: request.key, 'Content-Type': request.contentType } };
    },
    async headObject(key) {
      guard(`head ${key}`);
      const object = objects.get(key);
      return object ? { size: object.size, contentType: object.contentType, metadata: object.metadata, etag: object.etag } : null;
    },
    async readObject(key, length) {
      guard(`read ${key}`);
      const object = objects.get(key);
      if (!object) return null;
      return { object: { size: object.size, contentType: object.contentType, metadata: object.metadata, etag: object.etag }, bytes: object.body.subarray(0, length) };
    },
    async readStart(key, length, etag) {
      guard(`read ${key}`);
      return get(key, etag).body.subarray(0, length);
    },
    async copyObject({ source, target, etag, contentType, metadata }) {
      guard(`copy ${source}`);
      objects.set(target, { ...get(source, etag), contentType, metadata, lastModified: new Date() });
    },
    async deleteObject(key) {
      guard(`delete ${key}`);
      objects.delete(key);
      json.delete(key);
    },
    async listObjects(prefix, { startAfter, continuationToken, limit }) {
      guard(`list ${prefix}`);
      // Byte order of UTF-8 keys, as S3 lists; the continuation token is the last key returned.
      const after = continuationToken ?? startAfter ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && byteOrder(k, after) > 0).sort(byteOrder);
      const page = keys.slice(0, limit);
      const objectsOut = page.map((key) => ({ key, size: objects.get(key)!.size, lastModified: objects.get(key)!.lastModified ?? new Date(0) }));
      return { objects: objectsOut, continuationToken: keys.length > limit ? page.at(-1)! : null };
    },
    async presignGet(key, _expiresIn, response) {
      guard(`presignGet ${key}`);
      downloads.push({ key, response });
      return `https://store.test/bucket/${key}?get=1`;
    },
    async createMultipart({ key, contentType, metadata }) {
      guard(`createMultipart ${key}`);
      const uploadId = `upload-${++version}`;
      uploads.set(uploadId, { key, contentType, metadata, parts: new Map() });
      signedMetadata.set(key, metadata);
      return uploadId;
    },
    async presignPart({ key, uploadId, partNumber, size, contentMd5 }) {
      guard(`presignPart ${key}`);
      partUrls.push({ partNumber, size, contentMd5 });
      return {
        url: `https://store.test/bucket/${key}?uploadId=${uploadId}&partNumber=${partNumber}`,
        headers: (contentMd5 ? { 'Content-MD5': contentMd5 } : {}) as Record<string, string>,
      };
    },
    async listParts(key, uploadId) {
      guard(`listParts ${key}`);
      const upload = uploads.get(uploadId);
      if (!upload || upload.key !== key) return null;
      return [...upload.parts].map(([partNumber, body]) => ({ partNumber, etag: `"p${partNumber}-${body.length}"`, size: body.length }));
    },
    async completeMultipart(key, uploadId, parts) {
      guard(`completeMultipart ${key}`);
      const upload = uploads.get(uploadId)!;
      const body = new Uint8Array(parts.reduce((n, p) => n + upload.parts.get(p.partNumber)!.length, 0));
      let offset = 0;
      for (const p of parts) {
        body.set(upload.parts.get(p.partNumber)!, offset);
        offset += upload.parts.get(p.partNumber)!.length;
      }
      objects.set(key, { size: body.length, contentType: upload.contentType, metadata: upload.metadata, etag: `"mp${++version}"`, body });
      uploads.delete(uploadId);
    },
    async abortMultipart(key, uploadId) {
      guard(`abortMultipart ${key}`);
      uploads.delete(uploadId);
    },
    async putJson(key, value) {
      guard(`putJson ${key}`);
      json.set(key, JSON.parse(JSON.stringify(value)));
      objects.set(key, { size: 1, contentType: 'application/json', metadata: {}, etag: `"j${++version}"`, body: new Uint8Array(1) });
    },
    async getJson(key) {
      guard(`getJson ${key}`);
      return json.get(key) ?? null;
    },
  };
  /** Counts as the server's S3 source does: parts, then staged objects (not plans), then final files. */
  const usage: UsageSource = {
    async scanUsage(user) {
      scans.push(user);
      const staged = new Map<string, number>();
      for (const upload of uploads.values()) {
        if (!upload.key.startsWith(`staging/${user}/`)) continue;
        let bytes = 0;
        for (const part of upload.parts.values()) bytes += part.length;
        staged.set(upload.key, (staged.get(upload.key) ?? 0) + bytes);
      }
      let stored = 0;
      for (const [key, object] of objects) {
        if (key.startsWith(`staging/${user}/`) && !key.endsWith('.multipart.json')) staged.set(key, (staged.get(key) ?? 0) + object.size);
        if (key.startsWith(`uploads/${user}/`)) stored += object.size;
      }
      return { stored, staged };
    },
  };
  return {
    storage,
    usage,
    /** Users whose bytes were counted, in order. */
    scans,
    objects,
    uploads,
    partUrls,
    signed,
    downloads,
    asked,
    /** Stores a part as an upload through its signed URL would. */
    putPart(uploadId: string, partNumber: number, body: Uint8Array) {
      uploads.get(uploadId)!.parts.set(partNumber, body);
    },
    /**
     * Stores an object as an upload through the signed request would: with the metadata signed for
     * this key, where `metadata` does not name its own (or none: `{ [SEAL_META]: undefined }`).
     */
    put(key: string, body: Uint8Array, contentType: string, metadata: Record<string, string | undefined>) {
      const merged = Object.fromEntries(Object.entries({ ...signedMetadata.get(key), ...metadata }).filter((e): e is [string, string] => e[1] !== undefined));
      objects.set(key, { size: body.length, contentType, metadata: merged, etag: `"v${++version}"`, body, lastModified: new Date() });
    },
    failWith(error: Error | null) {
      failing = error;
    },
  };
}
