import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeOriginalName } from './original-name';
import { createUploadSealer, declaredFields, declaredMetadata } from './seal';

const secret = 'a-test-secret-of-at-least-32-characters!';
const fields = {
  key: 'staging/alice/image/0123456789abcdef0123456789abcdef-cat.png',
  size: 1234,
  contentType: 'image/png',
  route: 'image',
  originalName: encodeOriginalName('Cät 🐱.png'),
};

describe('upload seal', () => {
  it('is the HMAC-SHA256 of version, key, size, type, route, name and route data, as node:crypto computes it', async () => {
    const reference = createHmac('sha256', secret).update(`v2\n${fields.key}\n1234\nimage/png\nimage\n${fields.originalName}\n`).digest('base64url');
    expect(await createUploadSealer(secret).seal(fields)).toBe(reference);
    const withData = createHmac('sha256', secret).update(`v2\n${fields.key}\n1234\nimage/png\nimage\n${fields.originalName}\neyJ0ZWFtIjoxfQ`).digest('base64url');
    expect(await createUploadSealer(secret).seal({ ...fields, routeData: 'eyJ0ZWFtIjoxfQ' })).toBe(withData);
  });

  it('reads back from the metadata it declares', async () => {
    const sealer = createUploadSealer(secret);
    const metadata = await declaredMetadata(sealer, fields);
    expect(metadata).toMatchObject({ 'declared-size': '1234', 'declared-type': 'image/png', route: 'image', 'original-name': fields.originalName });
    expect(await sealer.verify(declaredFields(fields.key, metadata), metadata['upload-seal'])).toBe(true);
    expect(await sealer.verify(declaredFields(fields.key, { ...metadata, route: 'avatar' }), metadata['upload-seal'])).toBe(false);
    expect(await sealer.verify(declaredFields(fields.key, { ...metadata, 'route-data': 'e30' }), metadata['upload-seal'])).toBe(false);
  });

  it('verifies its own seal and nothing else', async () => {
    const sealer = createUploadSealer(secret);
    const seal = await sealer.seal(fields);
    expect(await sealer.verify(fields, seal)).toBe(true);
    for (const other of [
      { ...fields, key: fields.key.replace('alice', 'bob') },
      { ...fields, size: 1235 },
      { ...fields, contentType: 'image/jpeg' },
      { ...fields, route: 'avatar' },
      { ...fields, originalName: encodeOriginalName('Cat 🐱.png') },
      { ...fields, routeData: 'e30' },
    ]) {
      expect(await sealer.verify(other, seal)).toBe(false);
    }
    expect(await createUploadSealer(`${secret}x`).verify(fields, seal)).toBe(false);
    for (const bad of [undefined, '', `${seal}=`, seal.slice(1), seal.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), Buffer.from(seal).toString('base64')]) {
      expect(await sealer.verify(fields, bad)).toBe(false);
    }
  });

  it('seals a cursor as node:crypto computes its message, bound to the user and never valid as an upload seal', async () => {
    const sealer = createUploadSealer(secret);
    const cursor = { user: 'alice', payload: 'eyJ2IjoxfQ' };
    const seal = await sealer.sealCursor(cursor);
    expect(seal).toBe(createHmac('sha256', secret).update('cursor-v1\nalice\neyJ2IjoxfQ').digest('base64url'));
    expect(await sealer.verifyCursor(cursor, seal)).toBe(true);
    expect(await sealer.verifyCursor({ ...cursor, user: 'bob' }, seal)).toBe(false);
    expect(await sealer.verifyCursor({ ...cursor, payload: 'eyJ2IjoyfQ' }, seal)).toBe(false);
    expect(await sealer.verifyCursor(cursor, undefined)).toBe(false);
    expect(await sealer.verify(fields, await sealer.sealCursor({ user: fields.key, payload: `${fields.size}\n${fields.contentType}` }))).toBe(false);
  });

  it('refuses a short secret', () => {
    expect(() => createUploadSealer('short')).toThrow(/at least 32 characters/);
  });
});
