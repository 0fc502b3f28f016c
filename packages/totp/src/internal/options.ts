/** Option checks shared by the HOTP, TOTP and URI code. Each throws a coded {@link TotpError}. */
import { base32Decode } from '../base32.ts';
import { isTotpError, TotpError } from '../errors.ts';
import type { HashName } from './hmac.ts';

/** The HMAC algorithms of RFC 6238 §1.2. */
export type TotpAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** Shortest secret accepted: 80 bits (Google's Key Uri example and Microsoft 365 use 10 bytes). */
export const MIN_SECRET_BYTES = 10;
/** Longest secret accepted: bounds the work an attacker-chosen secret can cause. */
export const MAX_SECRET_BYTES = 1024;
/** Largest window accepted by verification (2 × 10 + 1 steps at most). */
export const MAX_WINDOW = 10;

/** 10^digits for 6 to 10 digits. */
export const POW10: readonly number[] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/** The node:crypto name of an algorithm; throws for anything else. */
export function hashName(algorithm: TotpAlgorithm | undefined): HashName {
  switch (algorithm) {
    case undefined:
    case 'SHA-1':
      return 'sha1';
    case 'SHA-256':
      return 'sha256';
    case 'SHA-512':
      return 'sha512';
    default:
      throw new TotpError(
        'ERR_UNSUPPORTED_ALGORITHM',
        `unsupported algorithm ${JSON.stringify(String(algorithm))} (expected 'SHA-1', 'SHA-256' or 'SHA-512')`,
      );
  }
}

/** Digits: an integer from 6 to 10 (RFC 4226 §5.3 asks for at least 6). */
export function checkDigits(digits: number | undefined): number {
  if (digits === undefined) return 6;
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) {
    throw new TotpError('ERR_INVALID_OPTIONS', `digits must be an integer from 6 to 10, got ${String(digits)}`);
  }
  return digits;
}

/** Period in seconds: a positive integer. */
export function checkPeriod(period: number | undefined): number {
  if (period === undefined) return 30;
  if (!Number.isSafeInteger(period) || period < 1 || period > 1e9) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      `period must be a whole number of seconds from 1 to 1e9, got ${String(period)}`,
    );
  }
  return period;
}

/** RFC 6238 §4.2: T = floor((now - T0) / X), with T0 = 0, time in milliseconds. */
export function stepAt(timestamp: number | undefined, period: number): number {
  const now = timestamp ?? Date.now();
  if (typeof now !== 'number' || !(now >= 0) || now > Number.MAX_SAFE_INTEGER) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      `timestamp must be milliseconds since the epoch (finite, >= 0), got ${String(now)}`,
    );
  }
  // Both operands are integers below 2^53, so the quotient is correctly rounded and floor() exact.
  return Math.floor(Math.floor(now) / (period * 1000));
}

/** The secret as bytes: a `Uint8Array` as is, a string as base32. */
export function secretBytes(secret: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  if (secret instanceof Uint8Array) bytes = secret;
  else if (typeof secret === 'string') {
    try {
      bytes = base32Decode(secret);
    } catch (error) {
      const reason = isTotpError(error) ? error.message : 'not base32';
      throw new TotpError('ERR_INVALID_SECRET', `secret is not valid base32: ${reason}`, { cause: error });
    }
  } else {
    throw new TotpError('ERR_INVALID_SECRET', 'secret must be a Uint8Array or a base32 string');
  }
  if (bytes.length < MIN_SECRET_BYTES || bytes.length > MAX_SECRET_BYTES) {
    throw new TotpError(
      'ERR_INVALID_SECRET',
      `secret must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}

/** Writes a counter (0 ≤ c ≤ 2^53 - 1) as the 8-byte big-endian message of RFC 4226 §5.2. */
export function writeCounter(out: Uint8Array, counter: number): void {
  const high = Math.floor(counter / 0x1_0000_0000);
  const low = counter >>> 0;
  out[0] = high >>> 24;
  out[1] = high >>> 16;
  out[2] = high >>> 8;
  out[3] = high;
  out[4] = low >>> 24;
  out[5] = low >>> 16;
  out[6] = low >>> 8;
  out[7] = low;
}

/** The code as a zero-padded decimal string. */
export function formatCode(code: number, digits: number): string {
  const text = String(code);
  return text.length < digits ? '0'.repeat(digits - text.length) + text : text;
}

/**
 * The typed digits as a number, or -1 when they are not exactly `digits` ASCII digits (ASCII spaces
 * ignored) or exceed 2^31 - 1: RFC 4226 §5.3 keeps 31 bits, so no code can be larger.
 */
export function parseToken(token: string, digits: number): number {
  let value = 0;
  let count = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 32) continue;
    const d = c - 48;
    if (d < 0 || d > 9 || ++count > digits) return -1;
    value = value * 10 + d;
  }
  return count === digits && value <= 0x7fffffff ? value : -1;
}
