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
  secretBytes,
  type TotpAlgorithm,
  truncate,
  writeCounter,
} from './internal/options.ts';

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
  return formatCode(truncate(backend.mac(hash, key, message)) % (POW10[digits] as number), digits);
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
