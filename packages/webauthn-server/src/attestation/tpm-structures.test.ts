import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebAuthnError } from '../errors.ts';
import { TPM_ALG, TPM_GENERATED_VALUE, TPM_ST_ATTEST_CERTIFY } from './tpm-constants.ts';
import { parseCertInfo, parsePubArea } from './tpm-structures.ts';

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const sized = (b: Uint8Array): number[] => [...u16(b.length), ...b];

function encodeCertInfo(extraData: Uint8Array, name: Uint8Array, qualifiedName: Uint8Array): Uint8Array {
  return Uint8Array.from([
    ...u32(TPM_GENERATED_VALUE),
    ...u16(TPM_ST_ATTEST_CERTIFY),
    ...sized(Uint8Array.of(0, 0x0b, 1, 2)),
    ...sized(extraData),
    ...[0, 0, 0, 0, 0, 0, 0x12, 0x34], // clock
    ...u32(7), // resetCount
    ...u32(9), // restartCount
    1, // safe
    ...[0, 1, 0, 2, 0, 3, 0, 4], // firmwareVersion
    ...sized(name),
    ...sized(qualifiedName),
  ]);
}

describe('parseCertInfo', () => {
  it('round-trips every field', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 66 }),
        fc.uint8Array({ maxLength: 66 }),
        (extra, name, qn) => {
          const parsed = parseCertInfo(encodeCertInfo(extra, name, qn));
          expect(parsed).toMatchObject({
            magic: TPM_GENERATED_VALUE,
            type: TPM_ST_ATTEST_CERTIFY,
            resetCount: 7,
            restartCount: 9,
            safe: true,
          });
          expect(parsed.clock).toBe(0x1234n);
          expect(parsed.extraData).toEqual(extra);
          expect(parsed.attestedName).toEqual(name);
          expect(parsed.attestedQualifiedName).toEqual(qn);
        },
      ),
    );
  });
  it('rejects truncation and trailing bytes with ERR_MALFORMED', () => {
    const bytes = encodeCertInfo(new Uint8Array(32), new Uint8Array(34), new Uint8Array(34));
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => parseCertInfo(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    }
    expect(() => parseCertInfo(Uint8Array.of(...bytes, 0))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
  });
});

describe('parsePubArea', () => {
  const rsa = (exponent: number, scheme: number = TPM_ALG.NULL): Uint8Array =>
    Uint8Array.from([
      ...u16(TPM_ALG.RSA),
      ...u16(TPM_ALG.SHA256),
      ...u32(0x00060472),
      ...sized(new Uint8Array(32)),
      ...u16(TPM_ALG.NULL),
      ...u16(scheme),
      ...(scheme === TPM_ALG.NULL ? [] : u16(TPM_ALG.SHA256)),
      ...u16(2048),
      ...u32(exponent),
      ...sized(new Uint8Array(256).fill(0xab)),
    ]);
  it('reads RSA parameters; exponent 0 means 65537; a scheme carries a hash', () => {
    expect(parsePubArea(rsa(0)).parameters).toEqual({
      type: 'rsa',
      symmetric: TPM_ALG.NULL,
      scheme: TPM_ALG.NULL,
      keyBits: 2048,
      exponent: 65537,
    });
    expect(parsePubArea(rsa(3, TPM_ALG.RSASSA)).parameters).toMatchObject({ scheme: TPM_ALG.RSASSA, exponent: 3 });
  });
  it('reads ECC parameters and point', () => {
    const bytes = Uint8Array.from([
      ...u16(TPM_ALG.ECC),
      ...u16(TPM_ALG.SHA256),
      ...u32(0x00060472),
      ...sized(new Uint8Array(0)),
      ...u16(TPM_ALG.AES),
      ...u16(128),
      ...u16(TPM_ALG.CFB),
      ...u16(TPM_ALG.ECDSA),
      ...u16(TPM_ALG.SHA256),
      ...u16(0x0003),
      ...u16(TPM_ALG.NULL),
      ...sized(new Uint8Array(32).fill(1)),
      ...sized(new Uint8Array(32).fill(2)),
    ]);
    const parsed = parsePubArea(bytes);
    expect(parsed.parameters).toEqual({
      type: 'ecc',
      symmetric: TPM_ALG.AES,
      scheme: TPM_ALG.ECDSA,
      curveId: 3,
      kdf: TPM_ALG.NULL,
    });
    expect(parsed.unique).toEqual({ x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(2) });
  });
  it('rejects other object types, truncation and trailing bytes', () => {
    const bytes = rsa(0);
    const keyedHash = bytes.slice();
    keyedHash[1] = TPM_ALG.KEYEDHASH;
    expect(() => parsePubArea(keyedHash)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(() => parsePubArea(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    }
    expect(() => parsePubArea(Uint8Array.of(...bytes, 0))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
  });
  it('any bytes give a value or ERR_MALFORMED', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        for (const parse of [parsePubArea, parseCertInfo]) {
          try {
            parse(bytes);
          } catch (error) {
            if (!isWebAuthnError(error) || error.code !== 'ERR_MALFORMED') return false;
          }
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
