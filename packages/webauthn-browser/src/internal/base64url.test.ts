import { bytesToBase64url } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from './base64url.ts';

describe('base64url', () => {
  it('encodes RFC 4648 §10 vectors without padding', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      expect(encode(new TextEncoder().encode(text))).toBe(encoded);
      expect(new TextDecoder().decode(decode(encoded, 'x'))).toBe(text);
    }
  });

  it('uses the URL-safe alphabet', () => {
    expect(encode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(decode('-_-_', 'x')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('encodes ArrayBuffers and views (only the viewed bytes)', () => {
    const bytes = new Uint8Array([0, 1, 2, 3, 4, 5]);
    expect(encode(bytes.buffer)).toBe('AAECAwQF');
    expect(encode(bytes.subarray(2, 4))).toBe('AgM');
    expect(encode(new DataView(bytes.buffer, 1, 2))).toBe('AQI');
  });

  it('round-trips any bytes and agrees with the shared server-side encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encode(bytes);
        expect(text).toBe(bytesToBase64url(bytes));
        expect(decode(text, 'x')).toEqual(bytes);
      }),
    );
  });

  it('rejects what is not base64url with ERR_BAD_OPTIONS naming the field', () => {
    for (const bad of ['a', 'abcde', 'ab+c', 'ab/c', 'Zg==', 'Zm 9v', 'é', 42, undefined, null]) {
      expect(() => decode(bad, 'user.id')).toThrow(expect.objectContaining({ code: 'ERR_BAD_OPTIONS' }));
    }
    expect(() => decode('a', 'user.id')).toThrow(/user\.id/);
  });

  it('gives bytes or ERR_BAD_OPTIONS for any string, never another error', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          expect(decode(text, 'x')).toBeInstanceOf(Uint8Array);
        } catch (error) {
          expect(error).toMatchObject({ code: 'ERR_BAD_OPTIONS' });
        }
      }),
    );
  });
});
