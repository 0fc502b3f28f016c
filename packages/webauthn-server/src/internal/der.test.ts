import { describe, expect, it } from 'vitest';
import { derSignatureToP1363, encodeOid, oidToString, readTlv } from './der.ts';

describe('DER helpers', () => {
  it('round-trips OIDs', () => {
    for (const oid of ['1.2.840.10045.3.1.7', '2.5.29.19', '1.3.6.1.4.1.45724.1.1.4', '2.999.1'])
      expect(oidToString(encodeOid(oid).subarray(2))).toBe(oid);
  });
  it('converts DER ECDSA signatures with left padding', () => {
    const der = Uint8Array.of(0x30, 0x07, 0x02, 0x01, 0x05, 0x02, 0x02, 0x00, 0x80);
    const out = derSignatureToP1363(der, 4);
    expect([...out]).toEqual([0, 0, 0, 5, 0, 0, 0, 0x80]);
  });
  it.each([
    ['trailing bytes', [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06, 0x00]],
    ['negative integer', [0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x06]],
    ['non-minimal integer', [0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x06]],
    ['integer too long', [0x30, 0x08, 0x02, 0x03, 0x01, 0x02, 0x03, 0x02, 0x01, 0x06]],
    ['third element', [0x30, 0x09, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06, 0x02, 0x01, 0x07]],
    ['truncated', [0x30, 0x06, 0x02, 0x01]],
    ['non-minimal length', [0x30, 0x81, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06]],
  ])('refuses %s', (_name, bytes) => {
    expect(() => derSignatureToP1363(Uint8Array.from(bytes), 2)).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    );
  });
  it('refuses lengths beyond the input', () => {
    expect(() => readTlv(Uint8Array.of(0x04, 0x84, 0xff, 0xff, 0xff, 0xff), 0)).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    );
  });
});
