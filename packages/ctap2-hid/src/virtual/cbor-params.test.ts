import { encodeCanonicalCbor, encodeCbor } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesParam, decodeRequestMap, intParam, rawMapValue } from './cbor-params.ts';

describe('CTAP2 request parameters', () => {
  it('returns the exact bytes the platform sent for a member', () => {
    const params = new Map<number, unknown>([[1, new Uint8Array([1, 2])]]);
    const body = encodeCanonicalCbor(
      new Map<number, unknown>([
        [1, 4],
        [2, params],
        [3, 2],
      ]),
    );
    expect([...(rawMapValue(body, 2) as Uint8Array)]).toEqual([...encodeCanonicalCbor(params)]);
    expect(rawMapValue(body, 9)).toBeUndefined();
    expect(rawMapValue(new Uint8Array([0x80]), 1)).toBeUndefined();
  });

  it('maps failures to CTAP status codes', () => {
    expect(() => decodeRequestMap(new Uint8Array([0xa1, 0x01]))).toThrow(expect.objectContaining({ status: 0x12 }));
    expect(() => decodeRequestMap(encodeCbor([1]))).toThrow(expect.objectContaining({ status: 0x11 }));
    const map = new Map<unknown, unknown>([[1, 'x']]);
    expect(() => bytesParam(map, 1, true)).toThrow(expect.objectContaining({ status: 0x11 }));
    expect(() => bytesParam(map, 2, true)).toThrow(expect.objectContaining({ status: 0x14 }));
    expect(() => intParam(new Map([[1, 2n ** 70n]]), 1, true)).toThrow(expect.objectContaining({ status: 0x02 }));
  });

  it('decodes any bytes to a map or a CTAP status, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          expect(decodeRequestMap(bytes)).toBeInstanceOf(Map);
        } catch (error) {
          expect((error as { name: string }).name).toBe('CtapStatus');
        }
      }),
      { numRuns: 500 },
    );
  });
});
