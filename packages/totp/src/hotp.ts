/**
 * HOTP: HMAC-based one-time passwords (RFC 4226).
 */
import { TotpError } from './errors.ts';
import { defaultBackend, type HmacBackend } from './internal/hmac.ts';
import {
  checkDigits,
  formatCode,
  hashName,
  POW10,
  parseToken,
  secretBytes,
  type TotpAlgorithm,
  writeCounter,
} from './internal/options.ts';

/** Largest look-ahead accepted by {@link verifyHotp}. */
const MAX_LOOK_AHEAD = 100;

/** Options for {@link generateHotp}. */
export interface GenerateHotpOptions {
  /** The shared secret: bytes, or base32 text (case-insensitive, padding optional, spaces ignored). */
  secret: Uint8Array | string;
  /**
   * The moving factor (RFC 4226 §5.2): an integer from 0, as a `number` up to 2^53 - 1 or a
   * `bigint` up to 2^64 - 1.
   */
  counter: number | bigint;
  /**
   * Code length, 6 to 10.
   *
   * @defaultValue `6`
   */
  digits?: number;
  /**
   * HMAC algorithm.
   *
   * @defaultValue `'SHA-1'`
   */
  algorithm?: TotpAlgorithm;
}

const TWO_64 = /* @__PURE__ */ BigInt('18446744073709551616');

/** The 8-byte message for a counter, checked. */
export function counterMessage(counter: number | bigint): Uint8Array {
  const message = new Uint8Array(8);
  if (typeof counter === 'bigint') {
    if (counter < BigInt(0) || counter >= TWO_64) {
      throw new TotpError('ERR_INVALID_OPTIONS', 'counter must be from 0 to 2^64 - 1');
    }
    new DataView(message.buffer).setBigUint64(0, counter);
    return message;
  }
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new TotpError('ERR_INVALID_OPTIONS', `counter must be an integer from 0 to 2^53 - 1, got ${String(counter)}`);
  }
  writeCounter(message, counter);
  return message;
}

/** {@link generateHotp} with a chosen HMAC backend (tests run every backend through it). */
export function generateHotpWith(backend: HmacBackend, options: GenerateHotpOptions): string {
  const hash = hashName(options.algorithm);
  const digits = checkDigits(options.digits);
  const key = secretBytes(options.secret);
  const message = counterMessage(options.counter);
  // RFC 4226 §5.3: HOTP = Truncate(HMAC(K, C)) mod 10^Digit.
  return formatCode(backend.truncated(hash, key, message) % (POW10[digits] as number), digits);
}

/**
 * Generates an HOTP code (RFC 4226 §5.3) for a counter.
 *
 * @param options - The secret, the counter, the digits and the algorithm.
 * @returns The code, zero-padded to `digits` characters.
 * @throws {@link TotpError} `ERR_INVALID_SECRET` for a secret that is not bytes or base32, or not
 *   10 to 1024 bytes long; `ERR_INVALID_OPTIONS` for a counter or digits out of range;
 *   `ERR_UNSUPPORTED_ALGORITHM` for another algorithm.
 * @example
 * ```ts
 * const secret = new TextEncoder().encode('12345678901234567890');
 * generateHotp({ secret, counter: 1 }); // '287082' (RFC 4226 Appendix D)
 * ```
 */
export function generateHotp(options: GenerateHotpOptions): string {
  return generateHotpWith(defaultBackend(), options);
}

/** Options for {@link verifyHotp}. */
export interface VerifyHotpOptions extends Omit<GenerateHotpOptions, 'counter'> {
  /** What the person typed (ASCII spaces ignored; anything else not a digit gives `{ ok: false }`). */
  token: string;
  /** The next counter expected: the stored `nextCounter` of the last success, or the initial counter. */
  counter: number;
  /**
   * How many counters after `counter` are also tried (RFC 4226 §7.4 look-ahead, for button presses
   * that never reached the server), 0 to 100.
   *
   * @defaultValue `0`
   */
  lookAhead?: number;
}

/** The outcome of {@link verifyHotp}. */
export type VerifyHotpResult =
  | {
      /** The code matched. */
      ok: true;
      /** The counter the code belongs to. */
      counter: number;
      /** The counter to store and pass next time: `counter + 1`, so the code is never accepted again. */
      nextCounter: number;
    }
  | {
      /** The code matched no counter tried. */
      ok: false;
    };

/** {@link verifyHotp} with a chosen HMAC backend. */
export function verifyHotpWith(backend: HmacBackend, options: VerifyHotpOptions): VerifyHotpResult {
  const hash = hashName(options.algorithm);
  const digits = checkDigits(options.digits);
  const key = secretBytes(options.secret);
  const { counter, token } = options;
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new TotpError('ERR_INVALID_OPTIONS', `counter must be an integer from 0 to 2^53 - 1, got ${String(counter)}`);
  }
  const lookAhead = options.lookAhead ?? 0;
  if (!Number.isInteger(lookAhead) || lookAhead < 0 || lookAhead > MAX_LOOK_AHEAD) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      `lookAhead must be an integer from 0 to ${MAX_LOOK_AHEAD}, got ${String(lookAhead)}`,
    );
  }
  if (typeof token !== 'string') throw new TotpError('ERR_INVALID_OPTIONS', 'token must be a string');
  const typed = parseToken(token, digits);
  if (typed < 0) return { ok: false };
  const modulus = POW10[digits] as number;
  const mac = backend.keyed(hash, key);
  const message = new Uint8Array(8);
  for (let candidate = counter; candidate <= counter + lookAhead && candidate < Number.MAX_SAFE_INTEGER; candidate++) {
    writeCounter(message, candidate);
    // Constant-time: one XOR over the whole value (both below 2^31), no early exit inside a code.
    if (((mac(message) % modulus) ^ typed) === 0) return { ok: true, counter: candidate, nextCounter: candidate + 1 };
  }
  return { ok: false };
}

/**
 * Checks an HOTP code (RFC 4226) against the next expected counter, trying `lookAhead` counters
 * after it. Never throws for what a person typed.
 *
 * @param options - The typed code, the secret, the expected counter and the look-ahead.
 * @returns `{ ok: true, counter, nextCounter }` for an accepted code, otherwise `{ ok: false }`.
 * @throws {@link TotpError} `ERR_INVALID_SECRET` for a bad secret; `ERR_INVALID_OPTIONS` for a
 *   token that is not a string, or a counter, lookAhead or digits out of range;
 *   `ERR_UNSUPPORTED_ALGORITHM` for another algorithm.
 * @remarks Store `nextCounter` atomically with the sign-in: a code is then never accepted twice.
 * @example
 * ```ts
 * const result = verifyHotp({ token: '287082', secret, counter: storedCounter, lookAhead: 5 });
 * if (result.ok) storedCounter = result.nextCounter;
 * ```
 */
export function verifyHotp(options: VerifyHotpOptions): VerifyHotpResult {
  return verifyHotpWith(defaultBackend(), options);
}
