/**
 * The peer baseline, bundled for the browser (uppy.ts): Uppy with its S3 plugin and default
 * options, each request signed by the bench's signer (POST /bench/uppy-sign, the AWS SDK's
 * presigner in the server child). `window.__uppy()` uploads the picked file and returns the time.
 */
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

const uppy = new Uppy();
uppy.use(AwsS3, {
  async signRequest(request) {
    const res = await fetch('/bench/uppy-sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    if (!res.ok) throw new Error(`signer: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { url: string };
  },
});

declare global {
  interface Window {
    __uppy(): Promise<{ ms: number; error?: string }>;
  }
}

window.__uppy = async () => {
  const file = document.querySelector<HTMLInputElement>('#f')?.files?.[0];
  if (!file) return { ms: NaN, error: 'no file picked' };
  const t0 = performance.now();
  uppy.addFile({ name: file.name, type: file.type, data: file });
  const result = await uppy.upload();
  const ms = performance.now() - t0;
  const failed = result?.failed?.[0];
  uppy.clear();
  return failed ? { ms, error: String(failed.error ?? 'failed') } : { ms };
};
