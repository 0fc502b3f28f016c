import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from './base32.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('base32Encode', () => {
  it('writes upper case without padding by default, with padding on request', () => {
    expect(base32Encode(bytes(0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef))).toBe('JBSWY3DPEHPK3PXP');
    expect(base32Encode(bytes(0xff))).toBe('74');
    expect(base32Encode(bytes(0xff), { padding: true })).toBe('74======');
    expect(base32Encode(new Uint8Array(0), { padding: true })).toBe('');
  });

  it('rejects what is not a Uint8Array with ERR_INVALID_OPTIONS', () => {
    expect(() => base32Encode('abc' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});

describe('base32Decode', () => {
  const hello = [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef];

  it('is case-insensitive and ignores spaces, tabs and line breaks', () => {
    expect([...base32Decode('jbsw y3dp ehpk 3pxp')]).toEqual(hello);
    expect([...base32Decode(' JBSW\tY3DP\r\nEHPK3pxp ')]).toEqual(hello);
  });

  it('accepts padding or its absence, and whitespace after the padding', () => {
    expect([...base32Decode('MY======')]).toEqual([0x66]);
    expect([...base32Decode('MY')]).toEqual([0x66]);
    expect([...base32Decode('MZXW6YQ= ')]).toEqual([0x66, 0x6f, 0x6f, 0x62]);
    expect(base32Decode('')).toEqual(new Uint8Array(0));
  });

  it('ignores leftover bits after the last whole byte', () => {
    expect([...base32Decode('MZ')]).toEqual([0x66]);
  });

  it('names the bad character and its position', () => {
    expect(() => base32Decode('JBSW1Y3DP')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_BASE32', message: expect.stringMatching(/"1" at position 4/) }),
    );
    expect(() => base32Decode('JBSWé')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE32' }));
    expect(() => base32Decode('JBSW-Y3DP')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE32' }));
  });

  it('rejects padding in the middle or of the wrong size', () => {
    expect(() => base32Decode('MY==MY')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_BASE32', message: expect.stringMatching(/padding/) }),
    );
    expect(() => base32Decode('MY===')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE32' }));
    expect(() => base32Decode('MZXW6YTB=')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE32' }));
    expect(() => base32Decode('=')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE32' }));
  });

  it('rejects lengths no encoding has (1, 3 or 6 characters in the last group)', () => {
    for (const text of ['M', 'MZX', 'MZXW6Y', 'MZXW6YTBM']) {
      expect(() => base32Decode(text), text).toThrow(expect.objectContaining({ code: 'ERR_INVALID_BASE32' }));
    }
  });

  it('rejects non-strings with ERR_INVALID_BASE32', () => {
    expect(() => base32Decode(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_BASE32' }),
    );
  });
});
