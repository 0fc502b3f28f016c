import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coseOf, signWith, type TestAlg } from '../../test/helpers/authenticator.ts';
import { parseCoseKey } from '../cose/key.ts';
import { derSignatureToP1363 } from '../internal/der.ts';
import { verifyWithCoseKey, verifyWithSpki } from './verify.ts';

const data = new TextEncoder().encode('authenticatorData || clientDataHash');
const N256 = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function pair(alg: TestAlg) {
  if (alg === -7) return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === -35) return generateKeyPairSync('ec', { namedCurve: 'P-384' });
  if (alg === -36) return generateKeyPairSync('ec', { namedCurve: 'P-521' });
  if (alg === -8) return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

describe('verifyWithCoseKey', { timeout: 60_000 }, () => {
  for (const alg of [-7, -35, -36, -8, -257, -258, -37, -38, -65535] as const) {
    it(`alg ${alg}: a good signature verifies, a modified one or other data does not`, async () => {
      const { privateKey, publicKey } = pair(alg);
      const key = parseCoseKey(coseOf(alg, publicKey));
      const sig = signWith(alg, privateKey, data);
      expect(await verifyWithCoseKey(key, data, sig)).toBe(true);
      expect(await verifyWithCoseKey(key, data, sig, false)).toBe(true);
      const bad = sig.slice();
      bad[bad.length - 2] = (bad[bad.length - 2] as number) ^ 0x40;
      expect(await verifyWithCoseKey(key, data, bad)).toBe(false);
      expect(await verifyWithCoseKey(key, data.subarray(1), sig)).toBe(false);
      expect(await verifyWithCoseKey(key, data, new Uint8Array(0))).toBe(false);
      // One-shot keys (not cached; Node verifies with an inline JWK) answer the same.
      const once = parseCoseKey(coseOf(alg, publicKey));
      expect(await verifyWithCoseKey(once, data, bad, false)).toBe(false);
      expect(await verifyWithCoseKey(once, data.subarray(1), sig, false)).toBe(false);
      expect(await verifyWithCoseKey(once, data, new Uint8Array(0), false)).toBe(false);
      expect(await verifyWithCoseKey(once, data, sig, false)).toBe(true);
    });
  }

  it('accepts high-S ECDSA signatures', async () => {
    const { privateKey, publicKey } = pair(-7);
    const key = parseCoseKey(coseOf(-7, publicKey));
    const p1363 = derSignatureToP1363(new Uint8Array(sign('sha256', data, privateKey)), 32);
    const r = BigInt(`0x${Buffer.from(p1363.subarray(0, 32)).toString('hex')}`);
    let s = BigInt(`0x${Buffer.from(p1363.subarray(32)).toString('hex')}`);
    for (const flip of [false, true]) {
      if (flip) s = N256 - s;
      const enc = (v: bigint) => {
        let hex = v.toString(16);
        if (hex.length % 2) hex = `0${hex}`;
        if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
        return Buffer.concat([Buffer.of(2, hex.length / 2), Buffer.from(hex, 'hex')]);
      };
      const body = Buffer.concat([enc(r), enc(s)]);
      const der = new Uint8Array(Buffer.concat([Buffer.of(0x30, body.length), body]));
      expect(await verifyWithCoseKey(key, data, der)).toBe(true);
    }
  });
});

describe('verifyWithSpki', { timeout: 60_000 }, () => {
  it('verifies a P-384 key with SHA-256 (a pair WebCrypto-style engines refuse)', async () => {
    const { privateKey, publicKey } = pair(-35);
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const sig = new Uint8Array(sign('sha256', data, privateKey));
    expect(await verifyWithSpki(spki, -7, data, sig)).toBe(true);
    expect(await verifyWithSpki(spki, -7, data.subarray(2), sig)).toBe(false);
  });
  it('verifies ES256K via noble', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    expect(await verifyWithSpki(spki, -47, data, new Uint8Array(sign('sha256', data, privateKey)))).toBe(true);
  });
  it('refuses an algorithm that does not fit the key, and bad SPKI bytes', async () => {
    const { publicKey } = pair(-7);
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    await expect(verifyWithSpki(spki, -257, data, new Uint8Array(64))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALG',
    });
    await expect(verifyWithSpki(spki, -1, data, new Uint8Array(64))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALG',
    });
    await expect(verifyWithSpki(spki.subarray(0, 20), -7, data, new Uint8Array(64))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
    const dh = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' });
    await expect(verifyWithSpki(new Uint8Array(dh), -8, data, new Uint8Array(64))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALG',
    });
  });
});
