import type { SignRequest, StoredObject, UploadStorage } from '../context';

/**
 * An in-memory stand-in for the store, for router unit tests: records what was signed and lets a
 * test "upload" an object. The real store is exercised by the server's integration tests.
 */
export function memoryStorage() {
  const objects = new Map<string, StoredObject>();
  const signed: Array<SignRequest & { method: 'PUT' | 'POST' }> = [];
  let failing: Error | null = null;
  const guard = () => {
    if (failing) throw failing;
  };
  const storage: UploadStorage = {
    async presignPut(request) {
      guard();
      signed.push({ ...request, method: 'PUT' });
      return { url: `https://store.test/bucket/${request.key}?sig=1`, headers: { 'Content-Type': request.contentType } };
    },
    async presignPost(request) {
      guard();
      signed.push({ ...request, method: 'POST' });
      return { url: 'https://store.test/bucket', fields: { key: request.key, 'Content-Type': request.contentType } };
    },
    async headObject(key) {
      guard();
      return objects.get(key) ?? null;
    },
    async deleteObject(key) {
      guard();
      objects.delete(key);
    },
    async presignGet(key) {
      guard();
      return `https://store.test/bucket/${key}?get=1`;
    },
  };
  return {
    storage,
    objects,
    signed,
    /** Stores an object as the signed request would have. */
    put(key: string, object: StoredObject) {
      objects.set(key, object);
    },
    failWith(error: Error | null) {
      failing = error;
    },
  };
}
