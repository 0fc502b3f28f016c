import { createECDH, createHash, hkdfSync } from 'node:crypto';
import { randomBytes } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { PinProtocol } from './pin-protocol.ts';

function platformSecret(
  version: 1 | 2,
  deviceKey: Map<number, unknown>,
): { secret: Uint8Array; publicKey: Map<number, unknown> } {
  // An independent implementation with node:crypto (CTAP 2.1 §6.5.6, §6.5.7).
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const point = Buffer.concat([Buffer.from([4]), deviceKey.get(-2) as Uint8Array, deviceKey.get(-3) as Uint8Array]);
  const z = ecdh.computeSecret(point);
  const own = ecdh.getPublicKey();
  const publicKey = new Map<number, unknown>([
    [1, 2],
    [3, -25],
    [-1, 1],
    [-2, own.subarray(1, 33)],
    [-3, own.subarray(33, 65)],
  ]);
  if (version === 1) return { secret: createHash('sha256').update(z).digest(), publicKey };
  const salt = Buffer.alloc(32);
  const hmacKey = Buffer.from(hkdfSync('sha256', z, salt, 'CTAP2 HMAC key', 32));
  const aesKey = Buffer.from(hkdfSync('sha256', z, salt, 'CTAP2 AES key', 32));
  return { secret: Buffer.concat([hmacKey, aesKey]), publicKey };
}

describe('PinProtocol', () => {
  for (const version of [1, 2] as const) {
    it(`protocol ${version}: shared secret matches an independent node:crypto derivation`, () => {
      const device = new PinProtocol(version, randomBytes);
      const { secret, publicKey } = platformSecret(version, device.publicKey());
      expect([...device.decapsulate(publicKey)]).toEqual([...secret]);
    });

    it(`protocol ${version}: encrypt/decrypt round trip; MAC length; verify rejects altered data`, () => {
      const device = new PinProtocol(version, randomBytes);
      const key = device.decapsulate(platformSecret(version, device.publicKey()).publicKey);
      const plain = randomBytes(64);
      const ct = device.encrypt(key, plain);
      expect(ct.length).toBe(version === 1 ? 64 : 80);
      expect([...(device.decrypt(key, ct) as Uint8Array)]).toEqual([...plain]);
      expect(device.decrypt(key, ct.subarray(0, ct.length - 1))).toBeUndefined();
      expect(device.decrypt(key, new Uint8Array(0))).toBeUndefined();
      const mac = device.authenticate(key, plain);
      expect(mac.length).toBe(version === 1 ? 16 : 32);
      expect(device.verify(key, plain, mac)).toBe(true);
      const altered = plain.slice();
      altered[0] = (altered[0] as number) ^ 1;
      expect(device.verify(key, altered, mac)).toBe(false);
    });
  }

  it('rejects keys that are not P-256 points with INVALID_PARAMETER', () => {
    const device = new PinProtocol(2, randomBytes);
    const bad = [
      new Map<number, unknown>([
        [1, 2],
        [-1, 1],
        [-2, new Uint8Array(32)],
        [-3, new Uint8Array(32)],
      ]),
      new Map<number, unknown>([
        [1, 1],
        [-1, 6],
        [-2, new Uint8Array(32)],
      ]),
      new Map<number, unknown>([
        [1, 2],
        [-1, 1],
        [-2, new Uint8Array(31)],
        [-3, new Uint8Array(32)],
      ]),
    ];
    for (const key of bad) expect(() => device.decapsulate(key)).toThrow(expect.objectContaining({ status: 0x02 }));
  });

  it('regenerate() changes the key-agreement key and resetToken() the token', () => {
    const device = new PinProtocol(2, randomBytes);
    const key = device.publicKey().get(-2);
    const token = device.token;
    device.regenerate();
    device.resetToken();
    expect(device.publicKey().get(-2)).not.toEqual(key);
    expect(device.token).not.toEqual(token);
  });
});
