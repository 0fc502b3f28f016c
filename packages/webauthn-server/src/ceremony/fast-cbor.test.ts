import { decodeCbor, decodeCborPrefix, encodeCbor } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEs256CoseKeyAt, splitAttestationObject } from './fast-cbor.ts';

const fail = (message: string): Error => new Error(message);

/** What the general decoder makes of an attestationObject, in the fast path's shape. */
function general(bytes: Uint8Array): unknown {
  try {
    const map = decodeCbor(bytes, fail) as Map<string, unknown>;
    return { fmt: map.get('fmt'), attStmt: map.get('attStmt'), authData: map.get('authData') };
  } catch {
    return 'rejected';
  }
}

const attStmt = fc.oneof(
  fc.constant(new Map()),
  fc.record({ alg: fc.integer({ min: -300, max: 10 }), sig: fc.uint8Array({ maxLength: 80 }) }).map(
    ({ alg, sig }) =>
      new Map<string, unknown>([
        ['alg', alg],
        ['sig', sig],
      ]),
  ),
  fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 3 }).map((x5c) => new Map([['x5c', x5c]])),
);
const attestationObject = fc
  .record({
    fmt: fc.oneof(fc.constantFrom('none', 'packed', 'tpm', 'fido-u2f'), fc.string({ maxLength: 30 })),
    attStmt,
    authData: fc.uint8Array({ minLength: 0, maxLength: 400 }),
  })
  .map(({ fmt, attStmt, authData }) =>
    encodeCbor(
      new Map<string, unknown>([
        ['fmt', fmt],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    ),
  );

describe('splitAttestationObject', () => {
  it('returns what the general decoder returns whenever it recognises the layout', () => {
    fc.assert(
      fc.property(attestationObject, (bytes) => {
        const fast = splitAttestationObject(bytes);
        if (fast) expect(fast).toEqual(general(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('recognises the layouts browsers send (none, packed)', () => {
    const authData = new Uint8Array(164).fill(7);
    const none = encodeCbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    expect(splitAttestationObject(none)).toEqual(general(none));
    const packed = encodeCbor(
      new Map<string, unknown>([
        ['fmt', 'packed'],
        [
          'attStmt',
          new Map<string, unknown>([
            ['alg', -7],
            ['sig', new Uint8Array(71).fill(1)],
          ]),
        ],
        ['authData', authData],
      ]),
    );
    expect(splitAttestationObject(packed)).toEqual(general(packed));
  });

  it('declines truncated, extended and mutated objects unless the general decoder agrees', () => {
    fc.assert(
      fc.property(
        attestationObject,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('cut', 'append', 'flip'),
        (bytes, at, byte, how) => {
          const i = at % Math.max(1, bytes.length);
          const mutated =
            how === 'cut'
              ? bytes.subarray(0, i)
              : how === 'append'
                ? Uint8Array.of(...bytes, byte)
                : Uint8Array.from(bytes, (b, j) => (j === i ? byte : b));
          const fast = splitAttestationObject(mutated);
          if (fast) expect(fast).toEqual(general(mutated));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const fast = splitAttestationObject(Uint8Array.of(0xa3, 0x63, 0x66, 0x6d, 0x74, ...bytes));
        if (fast) expect(fast).toEqual(general(Uint8Array.of(0xa3, 0x63, 0x66, 0x6d, 0x74, ...bytes)));
      }),
    );
  });
});

describe('decodeEs256CoseKeyAt', () => {
  const es256 = (x: Uint8Array, y: Uint8Array): Uint8Array =>
    encodeCbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, x],
        [-3, y],
      ]),
    );

  it('decodes the canonical ES256 key as the general decoder does, followed by anything', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 20 }),
        (x, y, before, after) => {
          const bytes = Uint8Array.of(...before, ...es256(x, y), ...after);
          const fast = decodeEs256CoseKeyAt(bytes, before.length);
          expect(fast).toEqual(decodeCborPrefix(bytes.subarray(before.length), fail));
          expect(fast?.end).toBe(77);
        },
      ),
    );
  });

  it('declines every other key (other algorithm, curve, lengths, truncation)', () => {
    const x = new Uint8Array(32).fill(1);
    const key = es256(x, x);
    expect(decodeEs256CoseKeyAt(key.subarray(0, 76), 0)).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 76 }), fc.integer({ min: 0, max: 255 }), (i, byte) => {
        const mutated = Uint8Array.from(key, (b, j) => (j === i ? byte : b));
        const fast = decodeEs256CoseKeyAt(mutated, 0);
        // Only a change inside x or y keeps the layout, and then it still decodes as the general decoder does.
        if (fast) expect(fast).toEqual(decodeCborPrefix(mutated, fail));
        if ((i < 10 || (i >= 42 && i < 45)) && byte !== key[i]) expect(fast).toBeUndefined();
      }),
    );
  });
});
