import { describe, expect, it } from 'vitest';
import { generateTotp, verifyTotp } from './totp.ts';

const secret = new TextEncoder().encode('12345678901234567890');
const T59 = 59_000; // RFC 6238 Appendix B: step 1
const CODE_STEP_1 = '287082';

describe('generateTotp', () => {
  it('uses 30 s steps, 6 digits and SHA-1 by default', () => {
    expect(generateTotp({ secret, timestamp: T59 })).toBe(CODE_STEP_1);
    expect(generateTotp({ secret, timestamp: 30_000 })).toBe(CODE_STEP_1);
    expect(generateTotp({ secret, timestamp: 29_999 })).toBe('755224');
  });

  it('supports any whole period: 60 s puts 59 s in step 0', () => {
    expect(generateTotp({ secret, timestamp: T59, period: 60 })).toBe('755224');
    expect(generateTotp({ secret, timestamp: 1_000, period: 1 })).toBe(CODE_STEP_1);
  });

  it('floors fractional milliseconds and defaults the time to now', () => {
    expect(generateTotp({ secret, timestamp: 30_000.9 })).toBe(CODE_STEP_1);
    expect(generateTotp({ secret })).toMatch(/^\d{6}$/);
  });

  it('handles steps beyond 2^32 (timestamps far in the future, 1 s periods)', () => {
    const timestamp = (2 ** 32 + 5) * 1000;
    expect(generateTotp({ secret, timestamp, period: 1 })).not.toBe(
      generateTotp({ secret, timestamp: 5000, period: 1 }),
    );
  });

  it('rejects bad timestamps and periods with ERR_INVALID_OPTIONS', () => {
    for (const timestamp of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1' as unknown as number]) {
      expect(() => generateTotp({ secret, timestamp }), String(timestamp)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
    for (const period of [0, -30, 1.5, 1e10, Number.NaN]) {
      expect(() => generateTotp({ secret, period }), String(period)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
  });
});

describe('verifyTotp', () => {
  const at = (step: number): number => step * 30_000 + 1_234;
  const codeAt = (step: number): string => generateTotp({ secret, timestamp: at(step) });

  it('accepts the current code with step and delta 0', () => {
    expect(verifyTotp({ token: codeAt(1000), secret, timestamp: at(1000) })).toEqual({
      ok: true,
      step: 1000,
      delta: 0,
    });
  });

  it('accepts one step either side by default and reports the drift', () => {
    expect(verifyTotp({ token: codeAt(999), secret, timestamp: at(1000) })).toEqual({ ok: true, step: 999, delta: -1 });
    expect(verifyTotp({ token: codeAt(1001), secret, timestamp: at(1000) })).toEqual({
      ok: true,
      step: 1001,
      delta: 1,
    });
    expect(verifyTotp({ token: codeAt(998), secret, timestamp: at(1000) })).toEqual({ ok: false });
    expect(verifyTotp({ token: codeAt(1002), secret, timestamp: at(1000) })).toEqual({ ok: false });
  });

  it('honours window 0 and wider windows', () => {
    expect(verifyTotp({ token: codeAt(999), secret, timestamp: at(1000), window: 0 })).toEqual({ ok: false });
    expect(verifyTotp({ token: codeAt(997), secret, timestamp: at(1000), window: 3 })).toEqual({
      ok: true,
      step: 997,
      delta: -3,
    });
  });

  it('never accepts a step at or before afterStep (replay protection)', () => {
    const token = codeAt(1000);
    const first = verifyTotp({ token, secret, timestamp: at(1000) });
    expect(first).toEqual({ ok: true, step: 1000, delta: 0 });
    expect(verifyTotp({ token, secret, timestamp: at(1000), afterStep: 1000 })).toEqual({ ok: false });
    expect(verifyTotp({ token, secret, timestamp: at(1001), afterStep: 1000 })).toEqual({ ok: false });
    expect(verifyTotp({ token: codeAt(1001), secret, timestamp: at(1000), afterStep: 1000 })).toEqual({
      ok: true,
      step: 1001,
      delta: 1,
    });
    expect(verifyTotp({ token, secret, timestamp: at(1000), afterStep: 999 })).toEqual({
      ok: true,
      step: 1000,
      delta: 0,
    });
  });

  it('accepts spaces in the token', () => {
    const token = codeAt(1000);
    const spaced = `${token.slice(0, 3)} ${token.slice(3)}`;
    expect(verifyTotp({ token: spaced, secret, timestamp: at(1000) }).ok).toBe(true);
    expect(verifyTotp({ token: ` ${token} `, secret, timestamp: at(1000) }).ok).toBe(true);
  });

  it('gives { ok: false } without throwing for anything a person can type wrong', () => {
    const token = codeAt(1000);
    const fullWidth = [...token].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    for (const typed of [
      '',
      token.slice(1),
      `${token}0`,
      `${token.slice(0, 5)}a`,
      fullWidth,
      `é${token.slice(1)}`,
      '-12345',
      '12345.',
      `${token}\n`,
    ]) {
      expect(verifyTotp({ token: typed, secret, timestamp: at(1000) }), JSON.stringify(typed)).toEqual({ ok: false });
    }
  });

  it('does not take a 10-digit token above 2^31 - 1 for a code', () => {
    expect(verifyTotp({ token: '9999999999', secret, timestamp: at(1000), digits: 10 })).toEqual({ ok: false });
  });

  it('verifies 10-digit codes and SHA-256 / SHA-512', () => {
    for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-512'] as const) {
      for (const digits of [6, 7, 8, 9, 10]) {
        const token = generateTotp({ secret, timestamp: at(5), digits, algorithm });
        expect(token).toHaveLength(digits);
        expect(verifyTotp({ token, secret, timestamp: at(5), digits, algorithm })).toEqual({
          ok: true,
          step: 5,
          delta: 0,
        });
      }
    }
  });

  it('skips negative steps near the epoch', () => {
    expect(verifyTotp({ token: '755224', secret, timestamp: 1_000 })).toEqual({ ok: true, step: 0, delta: 0 });
    expect(verifyTotp({ token: CODE_STEP_1, secret, timestamp: 1_000 })).toEqual({ ok: true, step: 1, delta: 1 });
  });

  it('rejects bad options with ERR_INVALID_OPTIONS', () => {
    const token = codeAt(1000);
    for (const window of [-1, 11, 1.5, Number.NaN]) {
      expect(() => verifyTotp({ token, secret, window }), String(window)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
    for (const afterStep of [1.5, Number.NaN, 2 ** 53]) {
      expect(() => verifyTotp({ token, secret, afterStep }), String(afterStep)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
    expect(() => verifyTotp({ token: 123456 as unknown as string, secret })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => verifyTotp({ token, secret, digits: 4 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => verifyTotp({ token, secret, timestamp: -5 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });

  it('rejects bad secrets and algorithms with their codes', () => {
    expect(() => verifyTotp({ token: '123456', secret: new Uint8Array(4) })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SECRET' }),
    );
    expect(() => verifyTotp({ token: '123456', secret, algorithm: 'MD5' as 'SHA-1' })).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
  });
});
