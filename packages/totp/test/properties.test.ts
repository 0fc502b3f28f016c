import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHotpWith } from '../src/hotp.ts';
import {
  base32Decode,
  base32Encode,
  buildOtpauthUri,
  generateHotp,
  generateTotp,
  isTotpError,
  parseOtpauthUri,
  verifyTotp,
} from '../src/index.ts';
import { findNodeCrypto, nobleBackend, nodeBackend } from '../src/internal/hmac.ts';
import type { TotpAlgorithm } from '../src/internal/options.ts';

const algorithm = fc.constantFrom<TotpAlgorithm>('SHA-1', 'SHA-256', 'SHA-512');
const secret = fc.uint8Array({ minLength: 10, maxLength: 200 });
const digits = fc.integer({ min: 6, max: 10 });
const period = fc.integer({ min: 1, max: 3600 });
/** Up to year ~287,000: steps beyond 2^32 with 1 s periods. */
const timestamp = fc.integer({ min: 0, max: 2 ** 53 - 1 }).map((n) => n % 9e15);
/** Names an app can show: no colon (the separator), no leading space (stripped by readers). */
const name = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((s) => !s.includes(':') && !s.startsWith(' '));

/** Runs `fn` and accepts a value or a TotpError, nothing else. */
function valueOrTotpError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isTotpError(error)) throw error;
  }
}

describe('properties', () => {
  it('a generated code verifies at the same time, with delta 0 and the step of that time', () => {
    fc.assert(
      fc.property(secret, timestamp, period, digits, algorithm, (secret, timestamp, period, digits, algorithm) => {
        const token = generateTotp({ secret, timestamp, period, digits, algorithm });
        expect(token).toMatch(new RegExp(`^\\d{${digits}}$`));
        const result = verifyTotp({ token, secret, timestamp, period, digits, algorithm });
        expect(result).toEqual({ ok: true, step: Math.floor(timestamp / (period * 1000)), delta: 0 });
        // Replay: the same code is refused once its step is stored as afterStep.
        if (result.ok) {
          expect(verifyTotp({ token, secret, timestamp, period, digits, algorithm, afterStep: result.step }).ok).toBe(
            false,
          );
        }
      }),
    );
  });

  it('a code from one step away verifies with delta ±1 inside the default window', () => {
    fc.assert(
      fc.property(secret, fc.integer({ min: 60_000, max: 2 ** 50 }), fc.constantFrom(-1, 1), (secret, now, delta) => {
        const token = generateTotp({ secret, timestamp: now + delta * 30_000 });
        const result = verifyTotp({ token, secret, timestamp: now });
        // A coincidence with the current step (1 in 10^6) would report delta 0: allow it.
        expect(result.ok).toBe(true);
        if (result.ok && result.delta !== 0) expect(result.delta).toBe(delta);
      }),
    );
  });

  it('node:crypto and @noble/hashes give the same HOTP codes', () => {
    const node = nodeBackend(findNodeCrypto() as NonNullable<ReturnType<typeof findNodeCrypto>>);
    fc.assert(
      fc.property(
        secret,
        fc.bigInt({ min: BigInt(0), max: (BigInt(1) << BigInt(64)) - BigInt(1) }),
        digits,
        algorithm,
        (secret, counter, digits, algorithm) => {
          const options = { secret, counter, digits, algorithm };
          expect(generateHotpWith(node, options)).toBe(generateHotpWith(nobleBackend, options));
        },
      ),
    );
  });

  it('base32 round-trips bytes, in any case, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (bytes, padding) => {
        const text = base32Encode(bytes, { padding });
        expect(base32Decode(text)).toEqual(bytes);
        expect(base32Decode(text.toLowerCase())).toEqual(bytes);
      }),
    );
  });

  it('a base32 secret gives the same code as its bytes', () => {
    fc.assert(
      fc.property(secret, fc.integer({ min: 0, max: 2 ** 40 }), (secret, counter) => {
        expect(generateHotp({ secret: base32Encode(secret).toLowerCase(), counter })).toBe(
          generateHotp({ secret, counter }),
        );
      }),
    );
  });

  it('otpauth URIs round-trip', () => {
    fc.assert(
      fc.property(
        secret,
        fc.oneof(name, fc.constant('')),
        name,
        algorithm,
        digits,
        period,
        fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
        (secret, issuer, accountName, algorithm, digits, period, counter) => {
          const uri =
            counter === undefined
              ? buildOtpauthUri({ secret, issuer, accountName, algorithm, digits, period })
              : buildOtpauthUri({ secret, issuer, accountName, algorithm, digits, type: 'hotp', counter });
          const parsed = parseOtpauthUri(uri);
          expect(parsed).toEqual({
            type: counter === undefined ? 'totp' : 'hotp',
            secret,
            issuer,
            accountName,
            algorithm,
            digits,
            period: counter === undefined ? period : 30,
            ...(counter === undefined ? {} : { counter }),
          });
        },
      ),
    );
  });

  it('any string given to base32Decode or parseOtpauthUri gives a value or a TotpError', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc=01 \t%') }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        valueOrTotpError(() => base32Decode(text));
        valueOrTotpError(() => parseOtpauthUri(text));
        valueOrTotpError(() => parseOtpauthUri(`otpauth://totp/${text}`));
        valueOrTotpError(() => parseOtpauthUri(`otpauth://hotp/a:b?secret=GEZDGNBVGY3TQOJQ&${text}`));
      }),
    );
  });

  it('mutated valid URIs give a value or a TotpError', () => {
    const valid =
      'otpauth://totp/ACME%20Co:john%40x.com?secret=GEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30';
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.nat(valid.length),
        fc.string({ unit: 'binary', maxLength: 6 }),
        (at, cut, insert) => {
          valueOrTotpError(() => parseOtpauthUri(valid.slice(0, at) + insert + valid.slice(Math.max(at, cut))));
        },
      ),
    );
  });

  it('verifyTotp never throws for any typed token, and only accepts digit strings', () => {
    const key = new Uint8Array(20).fill(1);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 14 }), timestamp, (token, timestamp) => {
        const result = verifyTotp({ token, secret: key, timestamp });
        if (result.ok) expect(token.replaceAll(' ', '')).toMatch(/^\d{6}$/);
      }),
    );
  });
});
