/** fast-check properties of the driver's parsers: any input gives a value or our typed error. */
import { encodeCanonicalCbor } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuthenticatorData } from '../src/client/authenticator-data.ts';
import { decodeResponse } from '../src/client/cbor.ts';
import { preparePin } from '../src/client/client-pin.ts';
import { decodeInfo } from '../src/client/info.ts';
import { PinProtocolHost } from '../src/client/pin-protocol.ts';
import { CtapError, isCtapError } from '../src/errors.ts';

/** Runs a parser: it returns, or throws our error: `ERR_MALFORMED`, or the status byte the key answered. */
function ours(run: () => unknown, answeredStatus?: number): void {
  try {
    run();
  } catch (error) {
    expect(isCtapError(error), String(error)).toBe(true);
    const { code, status } = error as CtapError;
    if (status === undefined) expect(code).toBe('ERR_MALFORMED');
    else expect({ code, status }).toEqual({ code: CtapError.fromStatus(status).code, status: answeredStatus });
  }
}

const cborValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(fc.integer({ min: -5, max: 30 }), fc.string({ maxLength: 8 })), tie('value')), {
        maxLength: 5,
      })
      .map((e) => new Map(e)),
  ),
})).value;

describe('driver parsers', () => {
  it('decodeResponse: any bytes give a map, ERR_MALFORMED or a CtapError with the status the bytes carry', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => ours(() => decodeResponse(bytes, 'test'), bytes[0])),
    );
  });

  it('decodeInfo: any map gives AuthenticatorInfo or ERR_MALFORMED', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 0x18 }), cborValue), { maxLength: 10 }),
        fc.boolean(),
        fc.boolean(),
        (entries, versions, aaguid) => {
          const map = new Map<unknown, unknown>(entries);
          if (versions) map.set(1, ['FIDO_2_1']);
          if (aaguid) map.set(3, new Uint8Array(16));
          ours(() => decodeInfo(map));
        },
      ),
    );
  });

  it('parseAuthenticatorData: any bytes give parsed data or ERR_MALFORMED', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => ours(() => parseAuthenticatorData(bytes))));
    const withCred = (tail: Uint8Array) =>
      Uint8Array.of(...new Uint8Array(32), 0x41, 0, 0, 0, 1, ...new Uint8Array(16), 0, 2, 9, 9, ...tail);
    fc.assert(
      fc.property(cborValue, (value) => ours(() => parseAuthenticatorData(withCred(encodeCanonicalCbor(value))))),
    );
  });

  it('preparePin: NFC bytes of at most 63, or a typed length error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 70 }), fc.integer({ min: 4, max: 63 }), (pin, min) => {
        try {
          const bytes = preparePin(pin, min, 'pin');
          expect(bytes.length).toBeLessThanOrEqual(63);
          expect(new TextDecoder().decode(bytes)).toBe(pin.normalize('NFC'));
        } catch (error) {
          expect(['ERR_PIN_TOO_SHORT', 'ERR_PIN_TOO_LONG']).toContain((error as { code: string }).code);
        }
      }),
    );
  });

  it('PIN protocols 1 and 2: decrypt(encrypt(x)) = x, MACs of 16 and 32 bytes', () => {
    for (const version of [1, 2] as const) {
      const protocol = new PinProtocolHost(version);
      const key = new Uint8Array(version === 1 ? 32 : 64).fill(7);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), (blocks) => {
          const data = new Uint8Array(blocks * 16).fill(blocks);
          expect(protocol.decrypt(key, protocol.encrypt(key, data))).toEqual(data);
        }),
      );
      expect(protocol.authenticate(key, Uint8Array.of(1), true)).toHaveLength(version === 1 ? 16 : 32);
      expect(() => protocol.decrypt(key, new Uint8Array(version === 1 ? 15 : 20))).toThrow(
        expect.objectContaining({ code: 'ERR_MALFORMED' }),
      );
      expect(() => protocol.encapsulate(new Map([[1, 2]]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
      const offCurve = new Map<unknown, unknown>([
        [1, 2],
        [-1, 1],
        [-2, new Uint8Array(32).fill(1)],
        [-3, new Uint8Array(32).fill(1)],
      ]);
      expect(() => protocol.encapsulate(offCurve)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    }
  });
});
