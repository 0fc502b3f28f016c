import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebAuthnError } from '../errors.ts';
import { encodeTlv } from '../internal/der.ts';
import { parseAndroidKeyDescription } from './android-key-description.ts';

const int = (n: number): Uint8Array => encodeTlv(0x02, Uint8Array.of(n));
const octets = (b: Uint8Array): Uint8Array => encodeTlv(0x04, b);
// [1] EXPLICIT SET OF INTEGER { 2, 3 }, [702] EXPLICIT INTEGER 0
const tee = encodeTlv(
  0x30,
  encodeTlv(0xa1, encodeTlv(0x31, int(2), int(3))),
  Uint8Array.of(0xbf, 0x85, 0x3e, 0x03, 0x02, 0x01, 0x00),
);
// [600] EXPLICIT NULL
const software = encodeTlv(0x30, Uint8Array.of(0xbf, 0x84, 0x58, 0x02, 0x05, 0x00));
const valid = encodeTlv(
  0x30,
  int(4),
  encodeTlv(0x0a, Uint8Array.of(2)),
  int(41),
  encodeTlv(0x0a, Uint8Array.of(2)),
  octets(Uint8Array.of(9, 9)),
  octets(new Uint8Array(0)),
  software,
  tee,
);

describe('parseAndroidKeyDescription', () => {
  it('reads the fields WebAuthn checks', () => {
    expect(parseAndroidKeyDescription(valid)).toEqual({
      attestationVersion: 4,
      attestationSecurityLevel: 2,
      attestationChallenge: Uint8Array.of(9, 9),
      softwareEnforced: { purpose: [], allApplications: true },
      teeEnforced: { purpose: [2, 3], origin: 0, allApplications: false },
    });
  });
  it('rejects fewer than 8 fields, wrong types, trailing bytes and untagged list entries', () => {
    const bad = [
      encodeTlv(0x30, int(4)),
      Uint8Array.of(...valid, 0),
      encodeTlv(0x30, int(4), int(2), int(41), int(2), int(7), octets(new Uint8Array(0)), software, tee),
      encodeTlv(
        0x30,
        int(4),
        int(2),
        int(41),
        int(2),
        octets(new Uint8Array(0)),
        octets(new Uint8Array(0)),
        encodeTlv(0x30, int(1)),
        tee,
      ),
      encodeTlv(0x31, int(4)),
    ];
    for (const der of bad)
      expect(() => parseAndroidKeyDescription(der)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
  });
  it('any bytes, and any mutation of a valid value, give a value or ERR_MALFORMED', () => {
    const check = (bytes: Uint8Array): boolean => {
      try {
        parseAndroidKeyDescription(bytes);
        return true;
      } catch (error) {
        return isWebAuthnError(error) && error.code === 'ERR_MALFORMED';
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 500 });
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat({ max: 4 }), (index, xor, cut) => {
        const mutated = valid.slice(0, valid.length - cut);
        mutated[index % mutated.length] = (mutated[index % mutated.length] as number) ^ xor;
        return check(mutated);
      }),
      { numRuns: 500 },
    );
  });
});
