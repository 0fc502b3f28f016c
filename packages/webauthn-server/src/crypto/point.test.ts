import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidEcPoint } from './point.ts';

const curves = [
  { crv: 1, size: 32, curve: p256 },
  { crv: 2, size: 48, curve: p384 },
  { crv: 3, size: 66, curve: p521 },
  { crv: 8, size: 32, curve: secp256k1 },
] as const;

function nobleValid(curve: (typeof curves)[number]['curve'], point: Uint8Array): boolean {
  try {
    curve.Point.fromBytes(point).assertValidity();
    return true;
  } catch {
    return false;
  }
}

describe('isValidEcPoint', () => {
  for (const { crv, size, curve } of curves) {
    it(`curve ${crv}: agrees with noble on real public keys and on one-byte changes of them`, () => {
      fc.assert(
        fc.property(fc.nat(2 * size), fc.integer({ min: 1, max: 255 }), (at, delta) => {
          const point = curve.getPublicKey(curve.utils.randomSecretKey(), false);
          expect(isValidEcPoint(crv, point, size)).toBe(true);
          const changed = point.slice();
          changed[1 + at] = ((changed[1 + at] as number) + delta) & 0xff;
          expect(isValidEcPoint(crv, changed, size)).toBe(nobleValid(curve, changed));
        }),
        { numRuns: 40 },
      );
    });
  }
  it('refuses coordinates not below p, a wrong prefix and a wrong length', () => {
    const ff = new Uint8Array(65).fill(0xff);
    ff[0] = 4;
    expect(isValidEcPoint(1, ff, 32)).toBe(false);
    const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    expect(isValidEcPoint(1, Uint8Array.from([2, ...point.subarray(1)]), 32)).toBe(false);
    expect(isValidEcPoint(1, point.subarray(0, 64), 32)).toBe(false);
  });
});
