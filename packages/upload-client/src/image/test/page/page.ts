import { processImage } from '../../process-image';
import type { ImageOptions } from '../../options';

/** What the test reads back from one call of processImage in the page. */
export type PageResult =
  | { ok: true; same: boolean; name: string; type: string; size: number; lastModified: number; base64: string }
  | { ok: false; name: string; code: string | undefined; message: string };

declare global {
  interface Window {
    processInPage(base64: string, name: string, type: string, options?: ImageOptions): Promise<PageResult>;
  }
}

const toBase64 = (blob: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] ?? '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });

window.processInPage = async (base64, name, type, options) => {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const file = new File([bytes], name, { type, lastModified: 1_700_000_000_000 });
  try {
    const out = await processImage(file, options);
    return { ok: true, same: out === file, name: out.name, type: out.type, size: out.size, lastModified: out.lastModified, base64: await toBase64(out) };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { ok: false, name: e.name, code: e.code, message: e.message };
  }
};
