import { base64urlToBytes, bytesToBase64url } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, decodePortable } from './base64url.ts';

const unit = fc.constantFrom(...'AZaz09-_+/=.~ é\u0100\u0141'.split(''));

describe('decodeBase64url (native path above 64 characters, portable below) and decodePortable', () => {
  it('decode encodings of random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToBase64url(bytes);
        expect(decodeBase64url(text)).toEqual(bytes);
        expect(decodePortable(text)).toEqual(bytes);
        expect(decodeBase64url(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
      }),
    );
  });
  it('agree with the shared decoder on arbitrary text (same accept/refuse decisions, same bytes)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 40 }),
        fc.string({ unit: fc.constantFrom('A', 'g', '_'), minLength: 60, maxLength: 80 }),
        (text, prefix) => {
          for (const t of [text, prefix + text]) {
            const expected = base64urlToBytes(t);
            expect(decodeBase64url(t), t).toEqual(expected);
            expect(decodePortable(t), t).toEqual(expected);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('refuse non-canonical leftover bits, bad lengths and foreign characters, short or long', () => {
    for (const bad of ['internalUserId', 'A', 'AB=C', 'AA===', 'AAA\u0141', 'AB*D']) {
      expect(decodeBase64url(bad)).toBeUndefined();
      expect(decodeBase64url('A'.repeat(96) + bad)).toBeUndefined();
      expect(decodePortable(bad)).toBeUndefined();
    }
  });
});
