import type { UploadStorage } from '@app/api';

/**
 * The origin of the store's URLs (path- or virtual-host style), for the SPA's Content Security
 * Policy. Signing once also loads the SDK's lazy parts, so the first real request is not slow.
 */
export async function storeOriginOf(storage: UploadStorage): Promise<string> {
  return new URL(await storage.presignGet('warm-up', 60)).origin;
}
