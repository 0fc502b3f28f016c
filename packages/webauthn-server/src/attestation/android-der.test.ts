import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebAuthnError } from '../errors.ts';
import { derChildren, derOctetString, derSmallInteger, readDerRoot } from './android-der.ts';

const malformed = expect.objectContaining({ code: 'ERR_MALFORMED' });

describe('android DER walker', () => {
  it('reads high tag numbers ([600], [702]) and long lengths', () => {
    const origin = Uint8Array.of(0xbf, 0x85, 0x3e, 0x03, 0x02, 0x01, 0x00);
    expect(readDerRoot(origin, 'x')).toEqual({ tagClass: 2, constructed: true, tag: 702, valueStart: 4, end: 7 });
    const long = Uint8Array.of(0x04, 0x81, 0x80, ...new Uint8Array(128).fill(7));
    expect(derOctetString(long, readDerRoot(long, 'x'), 'x')).toEqual(new Uint8Array(128).fill(7));
    const seq = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x05, 0x0a, 0x01, 0x02);
    const [a, b] = derChildren(seq, readDerRoot(seq, 'x'), 'x');
    expect([derSmallInteger(seq, a, 'a'), derSmallInteger(seq, b, 'b')]).toEqual([5, 2]);
  });
  it('refuses non-DER encodings', () => {
    const bad = [
      Uint8Array.of(0x30, 0x80, 0x00, 0x00), // indefinite length
      Uint8Array.of(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), // long form for a short length
      Uint8Array.of(0x04, 0x82, 0x00, 0x80, ...new Uint8Array(128)), // leading zero length byte
      Uint8Array.of(0xbf, 0x80, 0x85, 0x3e, 0x00), // leading 0x80 in a tag number
      Uint8Array.of(0xbf, 0x1e, 0x00), // high form for a low tag number
      Uint8Array.of(0xbf, 0xff, 0xff, 0xff, 0x7f, 0x00), // tag number too large
      Uint8Array.of(0x04, 0x85, 1, 1, 1, 1, 1), // 5 length bytes
      Uint8Array.of(0x04, 0x03, 1, 2), // truncated
      Uint8Array.of(0x04, 0x01, 1, 0), // trailing byte
      Uint8Array.of(0x30), // no length
    ];
    for (const bytes of bad) expect(() => readDerRoot(bytes, 'x')).toThrow(malformed);
  });
  it('refuses negative, non-minimal and oversized integers, and wrong types', () => {
    for (const bytes of [
      Uint8Array.of(0x02, 0x01, 0x80),
      Uint8Array.of(0x02, 0x02, 0x00, 0x01),
      Uint8Array.of(0x02, 0x08, 1, 1, 1, 1, 1, 1, 1, 1),
      Uint8Array.of(0x02, 0x00),
      Uint8Array.of(0x04, 0x01, 0x01),
    ]) {
      expect(() => derSmallInteger(bytes, readDerRoot(bytes, 'x'), 'x')).toThrow(malformed);
    }
    const int = Uint8Array.of(0x02, 0x01, 0x01);
    expect(() => derOctetString(int, readDerRoot(int, 'x'), 'x')).toThrow(malformed);
    expect(() => derChildren(int, readDerRoot(int, 'x'), 'x')).toThrow(malformed);
  });
  it('any bytes give elements or ERR_MALFORMED, and children stay inside their parent', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const root = readDerRoot(bytes, 'x');
          if (root.end !== bytes.length) return false;
          if (root.constructed)
            for (const child of derChildren(bytes, root, 'x'))
              if (child.end > root.end || child.valueStart < root.valueStart) return false;
          return true;
        } catch (error) {
          return isWebAuthnError(error) && error.code === 'ERR_MALFORMED';
        }
      }),
      { numRuns: 2000 },
    );
  });
});
