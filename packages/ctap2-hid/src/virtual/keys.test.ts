import { randomBytes } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COSE_ALG,
  CREDENTIAL_ID_LENGTH,
  credRandom,
  generatePrivateKey,
  unwrapCredential,
  wrapCredential,
} from './keys.ts';

describe('wrapped credential ids', () => {
  const master = randomBytes(32);
  const rp = randomBytes(32);

  it('round-trips kind, algorithm, credProtect, hmac-secret and key for the same RP', () => {
    for (const alg of [COSE_ALG.ES256, COSE_ALG.EdDSA]) {
      const privateKey = generatePrivateKey(alg, randomBytes);
      const id = wrapCredential(
        master,
        rp,
        { kind: 1, alg, credProtect: 3, hmacSecret: true, privateKey },
        randomBytes,
      );
      expect(id.length).toBe(CREDENTIAL_ID_LENGTH);
      expect(unwrapCredential(master, rp, id)).toEqual({ kind: 1, alg, credProtect: 3, hmacSecret: true, privateKey });
    }
  });

  it('refuses another RP, another master key, and any altered byte', () => {
    const privateKey = generatePrivateKey(COSE_ALG.ES256, randomBytes);
    const id = wrapCredential(
      master,
      rp,
      { kind: 0, alg: -7, credProtect: 1, hmacSecret: false, privateKey },
      randomBytes,
    );
    expect(unwrapCredential(master, randomBytes(32), id)).toBeUndefined();
    expect(unwrapCredential(randomBytes(32), rp, id)).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: id.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const altered = id.slice();
        altered[at] = (altered[at] as number) ^ xor;
        expect(unwrapCredential(master, rp, altered)).toBeUndefined();
      }),
    );
    expect(unwrapCredential(master, rp, id.subarray(1))).toBeUndefined();
  });

  it('derives distinct hmac-secret keys with and without UV', () => {
    const key = randomBytes(32);
    expect(credRandom(key, true)).not.toEqual(credRandom(key, false));
    expect(credRandom(key, true)).toEqual(credRandom(key, true));
  });
});
