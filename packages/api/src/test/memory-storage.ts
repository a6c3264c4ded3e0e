import { VersionChangedError, type SignRequest, type StoredObject, type UploadStorage } from '../context';

interface MemoryObject extends StoredObject {
  body: Uint8Array;
}

/**
 * An in-memory stand-in for the store, for router unit tests: records what was signed and lets a
 * test "upload" an object. The real store is exercised by the server's integration tests.
 */
export function memoryStorage() {
  const objects = new Map<string, MemoryObject>();
  const signed: Array<SignRequest & { method: 'PUT' | 'POST' }> = [];
  const asked: string[] = [];
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
    async presignPut(request) {
      guard(`presignPut ${request.key}`);
      signed.push({ ...request, method: 'PUT' });
      return { url: `https://store.test/bucket/${request.key}?sig=1`, headers: { 'Content-Type': request.contentType } };
    },
    async presignPost(request) {
      guard(`presignPost ${request.key}`);
      signed.push({ ...request, method: 'POST' });
      return { url: 'https://store.test/bucket', fields: { key: request.key, 'Content-Type': request.contentType } };
    },
    async headObject(key) {
      guard(`head ${key}`);
      const object = objects.get(key);
      return object ? { size: object.size, contentType: object.contentType, metadata: object.metadata, etag: object.etag } : null;
    },
    async readStart(key, length, etag) {
      guard(`read ${key}`);
      return get(key, etag).body.subarray(0, length);
    },
    async copyObject(source, target, etag) {
      guard(`copy ${source}`);
      objects.set(target, { ...get(source, etag) });
    },
    async deleteObject(key) {
      guard(`delete ${key}`);
      objects.delete(key);
    },
    async sumBytes(prefix) {
      guard(`sum ${prefix}`);
      let total = 0;
      for (const [key, object] of objects) if (key.startsWith(prefix)) total += object.size;
      return total;
    },
    async presignGet(key) {
      guard(`presignGet ${key}`);
      return `https://store.test/bucket/${key}?get=1`;
    },
  };
  return {
    storage,
    objects,
    signed,
    asked,
    /** Stores an object as an upload through the signed request would. */
    put(key: string, body: Uint8Array, contentType: string, metadata: Record<string, string>) {
      objects.set(key, { size: body.length, contentType, metadata, etag: `"v${++version}"`, body });
    },
    failWith(error: Error | null) {
      failing = error;
    },
  };
}
