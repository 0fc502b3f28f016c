import { describe, expect, it } from 'vitest';
import { generateSecret } from './secret.ts';

describe('generateSecret', () => {
  it('returns 20 random bytes by default and the length asked for', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(20);
    expect(a).not.toEqual(b);
    expect(generateSecret(16).length).toBe(16);
    expect(generateSecret(64).length).toBe(64);
  });

  it('rejects lengths below 128 bits, above 1024 bytes or not integers with ERR_INVALID_OPTIONS', () => {
    for (const bytes of [15, 0, -1, 1025, 20.5, Number.NaN]) {
      expect(() => generateSecret(bytes), String(bytes)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
  });
});
