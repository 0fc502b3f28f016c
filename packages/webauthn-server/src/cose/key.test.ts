import { generateKeyPairSync } from 'node:crypto';
import { encodeCbor } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { coseOf } from '../../test/helpers/authenticator.ts';
import { coseKeyToJwk, coseKeyToSpki, parseCoseKey } from './key.ts';

const ec = (curve: string) => generateKeyPairSync('ec', { namedCurve: curve }).publicKey;

describe('parseCoseKey', { timeout: 60_000 }, () => {
  it('parses EC2, OKP and RSA keys and round-trips them to SPKI and JWK as node:crypto sees them', () => {
    const cases = [
      { alg: -7 as const, key: ec('P-256') },
      { alg: -35 as const, key: ec('P-384') },
      { alg: -36 as const, key: ec('P-521') },
      { alg: -8 as const, key: generateKeyPairSync('ed25519').publicKey },
      { alg: -257 as const, key: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey },
    ];
    for (const { alg, key } of cases) {
      const parsed = parseCoseKey(coseOf(alg, key));
      expect(parsed.alg).toBe(alg);
      expect(Buffer.from(coseKeyToSpki(parsed))).toEqual(key.export({ type: 'spki', format: 'der' }));
      const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
      expect(coseKeyToJwk(parsed)).toMatchObject({
        kty: jwk.kty,
        ...(jwk.crv ? { crv: jwk.crv } : {}),
        ...(jwk.x ? { x: jwk.x } : {}),
        ...(jwk.n ? { n: jwk.n, e: jwk.e } : {}),
      });
    }
  });

  it('accepts secp256k1 (ES256K) keys', () => {
    const key = ec('secp256k1');
    const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
    const cose = encodeCbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -47],
        [-1, 8],
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
    expect(coseKeyToJwk(parseCoseKey(new Uint8Array(cose)))).toMatchObject({
      kty: 'EC',
      crv: 'secp256k1',
      alg: 'ES256K',
    });
  });

  const p256 = new Map<number, unknown>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, new Uint8Array(32)],
    [-3, new Uint8Array(32)],
  ]);
  const variant = (changes: [number, unknown][]) => encodeCbor(new Map([...p256, ...changes]));
  it.each([
    ['alg/curve mismatch (ES256 on P-384)', variant([[-1, 2]]), 'ERR_UNSUPPORTED_ALG'],
    ['unknown alg', variant([[3, -12345]]), 'ERR_UNSUPPORTED_ALG'],
    ['RSA alg on an EC2 key', variant([[3, -257]]), 'ERR_UNSUPPORTED_ALG'],
    ['unknown key type', variant([[1, 9]]), 'ERR_UNSUPPORTED_ALG'],
    ['missing alg', encodeCbor(new Map([...p256].filter(([k]) => k !== 3))), 'ERR_MALFORMED'],
    ['short coordinate', variant([[-2, new Uint8Array(31)]]), 'ERR_MALFORMED'],
    ['point not on the curve', variant([]), 'ERR_MALFORMED'],
    ['coordinate of the wrong type', variant([[-3, 'y']]), 'ERR_MALFORMED'],
    ['not a map', encodeCbor([1, 2]), 'ERR_MALFORMED'],
    ['trailing bytes', new Uint8Array([...variant([]), 0]), 'ERR_MALFORMED'],
    [
      'OKP key of the wrong size',
      encodeCbor(
        new Map<number, unknown>([
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, new Uint8Array(31)],
        ]),
      ),
      'ERR_MALFORMED',
    ],
    [
      'OKP X25519 curve',
      encodeCbor(
        new Map<number, unknown>([
          [1, 1],
          [3, -8],
          [-1, 4],
          [-2, new Uint8Array(32)],
        ]),
      ),
      'ERR_UNSUPPORTED_ALG',
    ],
    [
      'RSA 1024-bit modulus',
      encodeCbor(
        new Map<number, unknown>([
          [1, 3],
          [3, -257],
          [-1, new Uint8Array(128).fill(0xff)],
          [-2, Uint8Array.of(1, 0, 1)],
        ]),
      ),
      'ERR_UNSUPPORTED_ALG',
    ],
    [
      'RSA even exponent',
      encodeCbor(
        new Map<number, unknown>([
          [1, 3],
          [3, -257],
          [-1, new Uint8Array(256).fill(0xff)],
          [-2, Uint8Array.of(2)],
        ]),
      ),
      'ERR_MALFORMED',
    ],
  ])('%s → %s', (_name, bytes, code) => {
    expect(() => parseCoseKey(bytes)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses a value that is not bytes', () => {
    expect(() => parseCoseKey('pQE' as never)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
  });
});
