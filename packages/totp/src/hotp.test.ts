import { describe, expect, it } from 'vitest';
import { generateHotp, verifyHotp } from './hotp.ts';

const secret = new TextEncoder().encode('12345678901234567890');

describe('generateHotp', () => {
  it('gives RFC 4226 Appendix D codes for number and bigint counters', () => {
    expect(generateHotp({ secret, counter: 0 })).toBe('755224');
    expect(generateHotp({ secret, counter: BigInt(9) })).toBe('520489');
    expect(generateHotp({ secret, counter: 1, digits: 8 })).toBe('94287082');
  });

  it('writes counters beyond 2^32 as 8 bytes, the same for number and bigint', () => {
    for (const counter of [2 ** 32, 2 ** 32 + 7, 2 ** 45 + 3, Number.MAX_SAFE_INTEGER]) {
      expect(generateHotp({ secret, counter })).toBe(generateHotp({ secret, counter: BigInt(counter) }));
    }
    // 2^32 and 0 differ only in the high word: the codes must differ.
    expect(generateHotp({ secret, counter: 2 ** 32 })).not.toBe(generateHotp({ secret, counter: 0 }));
    expect(generateHotp({ secret, counter: BigInt('18446744073709551615') })).toMatch(/^\d{6}$/);
  });

  it('rejects counters out of range with ERR_INVALID_OPTIONS', () => {
    for (const counter of [-1, 1.5, Number.NaN, 2 ** 53, BigInt(-1), BigInt('18446744073709551616')]) {
      expect(() => generateHotp({ secret, counter }), String(counter)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
  });

  it('rejects digits outside 6–10 with ERR_INVALID_OPTIONS', () => {
    for (const digits of [5, 11, 6.5, 0]) {
      expect(() => generateHotp({ secret, counter: 0, digits }), String(digits)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
  });

  it('rejects another algorithm with ERR_UNSUPPORTED_ALGORITHM', () => {
    expect(() => generateHotp({ secret, counter: 0, algorithm: 'SHA1' as 'SHA-1' })).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
  });

  it('rejects short, long, non-base32 and wrongly typed secrets with ERR_INVALID_SECRET', () => {
    for (const bad of [new Uint8Array(9), new Uint8Array(1025), 'GEZDGNBV', 'not base32!', 42, [1, 2, 3]]) {
      expect(() => generateHotp({ secret: bad as Uint8Array, counter: 0 })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_SECRET' }),
      );
    }
    expect(() => generateHotp({ secret: '1234567890123456', counter: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SECRET', message: expect.stringMatching(/base32/) }),
    );
  });
});

describe('verifyHotp', () => {
  it('accepts the expected counter and returns the next one to store', () => {
    expect(verifyHotp({ token: '755224', secret, counter: 0 })).toEqual({ ok: true, counter: 0, nextCounter: 1 });
    expect(verifyHotp({ token: '755 224', secret, counter: 0 })).toEqual({ ok: true, counter: 0, nextCounter: 1 });
  });

  it('looks ahead only when asked, never behind', () => {
    expect(verifyHotp({ token: '969429', secret, counter: 0 })).toEqual({ ok: false });
    expect(verifyHotp({ token: '969429', secret, counter: 0, lookAhead: 3 })).toEqual({
      ok: true,
      counter: 3,
      nextCounter: 4,
    });
    expect(verifyHotp({ token: '755224', secret, counter: 1, lookAhead: 5 })).toEqual({ ok: false });
  });

  it('gives { ok: false } for malformed tokens', () => {
    for (const token of ['', '75522', '7552240', '75522a', '７55224']) {
      expect(verifyHotp({ token, secret, counter: 0 }), token).toEqual({ ok: false });
    }
  });

  it('rejects bad options with their codes', () => {
    for (const options of [
      { counter: -1 },
      { counter: 1.5 },
      { counter: 0, lookAhead: 101 },
      { counter: 0, lookAhead: -1 },
    ]) {
      expect(() => verifyHotp({ token: '755224', secret, ...options }), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
    expect(() => verifyHotp({ token: 755224 as unknown as string, secret, counter: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => verifyHotp({ token: '755224', secret: 'short', counter: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SECRET' }),
    );
  });
});
