import { base64urlToBytes, bytesToBase64url } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url } from './base64url.ts';

describe('decodeBase64url', () => {
  it('agrees with the shared decoder on encodings of random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToBase64url(bytes);
        expect(decodeBase64url(text)).toEqual(bytes);
        expect(decodeBase64url(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
      }),
    );
  });
  it('agrees with the shared decoder on arbitrary text (same accept/refuse decisions, same bytes)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'AZaz09-_+/=.~ é\u0100\u0141'.split('')), maxLength: 40 }),
        (text) => {
          expect(decodeBase64url(text)).toEqual(base64urlToBytes(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('refuses non-canonical leftover bits, bad lengths and foreign characters', () => {
    for (const bad of ['internalUserId', 'A', 'AB=C', 'AA===', 'AAA\u0141', 'AB*D'])
      expect(decodeBase64url(bad)).toBeUndefined();
  });
});
