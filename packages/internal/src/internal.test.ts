import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  base64urlToBytes,
  bytesToBase64url,
  cborItemEnd,
  decodeCbor,
  decodeCborPrefix,
  encodeCanonicalCbor,
  encodeCbor,
  timingSafeEqual,
} from './index.ts';

class Malformed extends Error {}
const fail = (message: string): Error => new Malformed(message);

describe('base64url', () => {
  it('matches RFC 4648 §10 vectors (url alphabet, no padding)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(bytesToBase64url(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(base64urlToBytes(encoded))).toBe(plain);
    }
  });
  it('round-trips any bytes and agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = bytesToBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64urlToBytes(text)).toEqual(bytes);
      }),
    );
  });
  it('rejects what is not base64', () => {
    for (const bad of ['a', 'ab$c', 'Zg===', 'Zh', 'é']) expect(base64urlToBytes(bad)).toBeUndefined();
    expect(base64urlToBytes('Zg==')).toEqual(new Uint8Array([0x66]));
  });
});

describe('ByteReader', () => {
  it('reads big-endian integers and refuses to run past the end', () => {
    const reader = new ByteReader(new Uint8Array([1, 0, 2, 0, 0, 0, 3, 9]), fail);
    expect(reader.u8()).toBe(1);
    expect(reader.u16be()).toBe(2);
    expect(reader.u32be()).toBe(3);
    expect(() => reader.u16be('counter')).toThrow(/counter: needs 2 bytes at offset 7/);
    expect(() => reader.done()).toThrow(Malformed);
    expect(reader.take(1)).toEqual(new Uint8Array([9]));
    reader.done();
  });
});

describe('CBOR seam', () => {
  it('finds where an item ends inside a longer buffer', () => {
    const item = encodeCbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-2, new Uint8Array(32)],
      ]),
    );
    const buffer = new Uint8Array([...item, 0xa0]);
    expect(cborItemEnd(buffer, 0, fail)).toBe(item.length);
    expect(decodeCborPrefix(buffer, fail).end).toBe(item.length);
  });
  it('refuses trailing bytes, truncation, indefinite lengths, absurd counts and deep nesting', () => {
    expect(() => decodeCbor(new Uint8Array([0x01, 0x00]), fail)).toThrow(Malformed);
    expect(() => decodeCbor(new Uint8Array([0x42, 0x00]), fail)).toThrow(Malformed);
    expect(() => decodeCbor(new Uint8Array([0x9f, 0xff]), fail)).toThrow(Malformed);
    expect(() => decodeCbor(new Uint8Array([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), fail)).toThrow(
      Malformed,
    );
    expect(() => decodeCbor(new Uint8Array(40).fill(0x81), fail)).toThrow(/nested deeper/);
  });
  it('keeps integer map keys and byte strings', () => {
    const decoded = decodeCbor(
      encodeCbor(
        new Map<number, unknown>([
          [-1, 1],
          [-2, new Uint8Array([1, 2])],
        ]),
      ),
      fail,
    ) as Map<number, unknown>;
    expect(decoded.get(-1)).toBe(1);
    expect(decoded.get(-2)).toBeInstanceOf(Uint8Array);
  });
  it('sorts map keys canonically (CTAP 2.1 §8: length first, then bytes)', () => {
    const bytes = encodeCanonicalCbor(
      new Map<unknown, unknown>([
        ['b', 1],
        [10, 2],
        [-1, 3],
        ['aa', 4],
        [1, 5],
      ]),
    );
    const decoded = decodeCbor(bytes, fail) as Map<unknown, unknown>;
    expect([...decoded.keys()]).toEqual([1, 10, -1, 'b', 'aa']);
  });
  it('gives a value or our error for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeCbor(bytes, fail);
        } catch (error) {
          expect(error).toBeInstanceOf(Malformed);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('timingSafeEqual', () => {
  it('compares by value and length', () => {
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
});
