import { createUploadSealer, encodeOriginalName, planMessage, sealMessage } from '@app/api';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createNodeSealer } from '../src/storage/sealer';

const secret = 'server-sealer-test-secret-0123456789abcdef';
const fields = {
  key: 'staging/h-0123456789/photo/0123456789abcdef0123456789abcdef-e.png',
  size: 5 * 1024 ** 3,
  contentType: 'image/png',
  route: 'photo',
  originalName: encodeOriginalName('é.png'),
  routeData: 'eyJhIjoxfQ',
};

describe("the server's upload sealer (node:crypto)", () => {
  it('gives the seal of node:crypto HMAC-SHA256 and of the Web Crypto sealer, which verifies it', async () => {
    const seal = await createNodeSealer(secret).seal(fields);
    expect(seal).toBe(
      createHmac('sha256', secret)
        .update(`v2\n${fields.key}\n${fields.size}\n${fields.contentType}\n${fields.route}\n${fields.originalName}\n${fields.routeData}`)
        .digest('base64url'),
    );
    expect(seal).toBe(await createUploadSealer(secret).seal(fields));
    expect(await createUploadSealer(secret).verify(fields, seal)).toBe(true);
  });

  it('verifies its own seal and nothing else', async () => {
    const sealer = createNodeSealer(secret);
    const seal = await sealer.seal(fields);
    expect(await sealer.verify(fields, seal)).toBe(true);
    for (const other of [
      { ...fields, key: `${fields.key}x` },
      { ...fields, size: fields.size - 1 },
      { ...fields, contentType: 'image/gif' },
      { ...fields, route: 'avatar' },
      { ...fields, originalName: encodeOriginalName('e.png') },
      { ...fields, routeData: '' },
    ]) {
      expect(await sealer.verify(other, seal)).toBe(false);
    }
    for (const bad of [undefined, '', `${seal}=`, seal.slice(2), `${seal.slice(0, -1)}${seal.endsWith('A') ? 'B' : 'A'}`]) {
      expect(await sealer.verify(fields, bad)).toBe(false);
    }
    expect(() => createNodeSealer('short')).toThrow(/at least 32 characters/);
  });

  it('seals cursors as the Web Crypto sealer does, and verifies only those', async () => {
    const sealer = createNodeSealer(secret);
    const cursor = { user: 'h-0123456789', payload: 'eyJ2IjoxLCJhIjoidXBsb2Fkcy8ifQ' };
    const seal = await sealer.sealCursor(cursor);
    expect(seal).toBe(createHmac('sha256', secret).update(`cursor-v1\n${cursor.user}\n${cursor.payload}`).digest('base64url'));
    expect(seal).toBe(await createUploadSealer(secret).sealCursor(cursor));
    expect(await sealer.verifyCursor(cursor, seal)).toBe(true);
    expect(await sealer.verifyCursor({ ...cursor, user: 'alice' }, seal)).toBe(false);
    expect(await sealer.verifyCursor({ ...cursor, payload: `${cursor.payload}x` }, seal)).toBe(false);
    expect(await sealer.verifyCursor(cursor, `${seal}=`)).toBe(false);
  });

  it('seals multipart plans as the Web Crypto sealer does, bound to key, upload and every number', async () => {
    const sealer = createNodeSealer(secret);
    const plan = { key: fields.key.replace('.png', '.mp4'), uploadId: '2~q8Bcu9R0xbGQp0Tw3Zmo', size: 300 * 1024 ** 2, partSize: 38 * 1024 ** 2, partCount: 8 };
    const seal = await sealer.sealPlan(plan);
    expect(seal).toBe(
      createHmac('sha256', secret).update(`plan-v1\n${plan.key}\n${plan.size}\n${plan.partSize}\n${plan.partCount}\n${plan.uploadId}`).digest('base64url'),
    );
    expect(seal).toBe(await createUploadSealer(secret).sealPlan(plan));
    expect(await createUploadSealer(secret).verifyPlan(plan, seal)).toBe(true);
    for (const other of [{ key: `${plan.key}x` }, { uploadId: `${plan.uploadId}x` }, { size: plan.size + 1 }, { partSize: plan.partSize * 2 }, { partCount: 9 }]) {
      expect(await sealer.verifyPlan({ ...plan, ...other }, seal)).toBe(false);
    }
    // Fields chosen so that the upload message and the plan message differ only in their first line:
    // the version line alone keeps one seal from passing for the other.
    const upload = { key: plan.key, size: plan.size, contentType: '5', route: '6', originalName: '7', routeData: 'u' };
    const lookalike = { key: plan.key, uploadId: '7\nu', size: plan.size, partSize: 5, partCount: 6 };
    expect(sealMessage(upload).split('\n').slice(1)).toEqual(planMessage(lookalike).split('\n').slice(1));
    expect(await sealer.verifyPlan(lookalike, await sealer.seal(upload))).toBe(false);
    expect(await sealer.verify(upload, await sealer.sealPlan(lookalike))).toBe(false);
  });
});
