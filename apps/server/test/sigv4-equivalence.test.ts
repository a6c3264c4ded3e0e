import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPresigner } from '../src/storage/presigner';
import { createS3Client } from '../src/storage/s3-client';

/**
 * Pins our SigV4 presigner (storage/sigv4.ts + presigner.ts) to the AWS SDK's: for each row, both
 * sign the same request at the same instant, and the URLs must carry the same origin, path and
 * query parameters (same bytes, any order), hence the same signature. No store is involved.
 */

const NOW = new Date('2026-03-14T15:09:26.535Z');
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDF+token/with+slashes=and==padding';

const stores = {
  'path-style (Ceph RGW)': { bucket: 'uploads', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true },
  'path-style on https': { bucket: 'my-uploads', region: 'eu-west-1', endpoint: 'https://s3.example.test', forcePathStyle: true },
  'virtual-host (AWS)': { bucket: 'my-uploads', region: 'eu-central-1', endpoint: undefined, forcePathStyle: false },
  'virtual-host (custom endpoint)': { bucket: 'my-uploads', region: 'auto', endpoint: 'https://store.example.test', forcePathStyle: false },
  'a dotted bucket on AWS (the SDK falls back to path-style)': { bucket: 'my.uploads', region: 'us-west-2', endpoint: undefined, forcePathStyle: false },
};

type SdkCommand = GetObjectCommand | PutObjectCommand | UploadPartCommand;
type SignOptions = NonNullable<Parameters<typeof getSignedUrl>[2]>;

/** getSignedUrl is generic over one command type: narrow the union for it. */
function sdkPresign(client: S3Client, command: SdkCommand, options: SignOptions): Promise<string> {
  if (command instanceof GetObjectCommand) return getSignedUrl(client, command, options);
  if (command instanceof PutObjectCommand) return getSignedUrl(client, command, options);
  return getSignedUrl(client, command, options);
}

interface Row {
  name: string;
  key: string;
  method: 'GET' | 'PUT';
  /** What our storage adapter passes to the presigner. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** The same request for the SDK. */
  command: (bucket: string) => SdkCommand;
  /** Headers the SDK would otherwise hoist into the query (it signs x-amz-* as query parameters). */
  unhoistable?: string[];
}

const rows: Row[] = [
  { name: 'GET of a plain key', method: 'GET', key: 'uploads/alice/photo.png', command: (b) => new GetObjectCommand({ Bucket: b, Key: 'uploads/alice/photo.png' }) },
  {
    name: 'GET of a key with spaces, unicode, +, ~, parentheses and other reserved characters',
    method: 'GET',
    key: "uploads/bob/my file (1)+copy~ünïcödé 日本語 !*'@$&=;,:.png",
    command: (b) => new GetObjectCommand({ Bucket: b, Key: "uploads/bob/my file (1)+copy~ünïcödé 日本語 !*'@$&=;,:.png" }),
  },
  {
    name: 'PUT with several signed headers (type, length, metadata)',
    method: 'PUT',
    key: 'staging/u-1/0123456789abcdef0123456789abcdef-cat.png',
    headers: { 'Content-Type': 'image/png', 'x-amz-meta-declared-size': '12345', 'x-amz-meta-declared-type': 'image/png', 'Content-Length': '12345' },
    command: (b) =>
      new PutObjectCommand({
        Bucket: b,
        Key: 'staging/u-1/0123456789abcdef0123456789abcdef-cat.png',
        ContentType: 'image/png',
        ContentLength: 12345,
        Metadata: { 'declared-size': '12345', 'declared-type': 'image/png' },
      }),
    unhoistable: ['x-amz-meta-declared-size', 'x-amz-meta-declared-type'],
  },
  {
    name: 'PUT of a key with spaces, + and parentheses, a header value with inner spaces',
    method: 'PUT',
    key: 'staging/h-0a1b/a b+c (d)~e.pdf',
    headers: { 'Content-Type': 'application/pdf', 'x-amz-meta-note': '  two   spaces  inside ', 'Content-Length': '1' },
    command: (b) =>
      new PutObjectCommand({
        Bucket: b,
        Key: 'staging/h-0a1b/a b+c (d)~e.pdf',
        ContentType: 'application/pdf',
        ContentLength: 1,
        Metadata: { note: '  two   spaces  inside ' },
      }),
    unhoistable: ['x-amz-meta-note'],
  },
  {
    name: 'part upload: partNumber and uploadId queries, Content-MD5 and Content-Length signed',
    method: 'PUT',
    key: 'staging/u-1/0123456789abcdef0123456789abcdef-big.mp4',
    query: { partNumber: '7', uploadId: '2~Fm3r+zS/x_y-z.AbC=' },
    headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==', 'Content-Length': '8388608' },
    command: (b) =>
      new UploadPartCommand({
        Bucket: b,
        Key: 'staging/u-1/0123456789abcdef0123456789abcdef-big.mp4',
        PartNumber: 7,
        UploadId: '2~Fm3r+zS/x_y-z.AbC=',
        ContentMD5: '1B2M2Y8AsgTpgAmY7PhCfg==',
        ContentLength: 8388608,
      }),
  },
];

/** `name=value` pairs exactly as they appear in the URL, sorted. */
const queryPairs = (url: URL) => url.search.slice(1).split('&').sort();

const idOf = (command: Row['command']) => command('b').constructor.name.replace(/Command$/, '');

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
});
afterAll(() => {
  vi.useRealTimers();
});

describe.each(Object.entries(stores))('our presigner signs as the AWS SDK does: %s', (_, store) => {
  describe.each([
    ['static credentials', KEYS],
    ['a session token', { ...KEYS, sessionToken: SESSION_TOKEN }],
  ])('with %s', (_, credentials) => {
    const { bucket } = store;
    const client = createS3Client(store, credentials);
    const presign = createPresigner(client, bucket);
    afterAll(() => client.destroy());

    it.each(rows)('$name', async (row) => {
      const ours = new URL(await presign({ method: row.method, key: row.key, query: { 'x-id': idOf(row.command), ...row.query }, headers: row.headers, expiresIn: 900 }));
      const sdk = new URL(
        await sdkPresign(client, row.command(bucket), {
          expiresIn: 900,
          signingDate: NOW,
          unhoistableHeaders: new Set(row.unhoistable ?? []),
          // The SDK leaves Content-Type unsigned unless asked; the product signs it where it sends it.
          signableHeaders: new Set(row.headers?.['Content-Type'] ? ['content-type'] : []),
        }),
      );
      expect(`${ours.origin}${ours.pathname}`).toBe(`${sdk.origin}${sdk.pathname}`);
      expect(queryPairs(ours)).toEqual(queryPairs(sdk));
      expect(ours.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});
