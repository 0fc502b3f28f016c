/**
 * TOTP: time-based one-time passwords (RFC 6238).
 */
import { TotpError } from './errors.ts';
import { defaultBackend, type HmacBackend } from './internal/hmac.ts';
import {
  checkDigits,
  checkPeriod,
  formatCode,
  hashName,
  MAX_WINDOW,
  POW10,
  parseToken,
  secretBytes,
  stepAt,
  type TotpAlgorithm,
  writeCounter,
} from './internal/options.ts';

/** Options for {@link generateTotp}. */
export interface GenerateTotpOptions {
  /** The shared secret: bytes, or base32 text (case-insensitive, padding optional, spaces ignored). */
  secret: Uint8Array | string;
  /**
   * The time to generate for, in milliseconds since the Unix epoch.
   *
   * @defaultValue `Date.now()`
   */
  timestamp?: number;
  /**
   * The time step X of RFC 6238 §4.1, in whole seconds.
   *
   * @defaultValue `30`
   */
  period?: number;
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

/** Options for {@link verifyTotp}. */
export interface VerifyTotpOptions extends GenerateTotpOptions {
  /**
   * What the person typed. ASCII spaces are ignored (`'123 456'`); anything else that is not an
   * ASCII digit, or a wrong number of digits, makes the result `{ ok: false }`.
   */
  token: string;
  /**
   * How many steps before and after the current one are also accepted (RFC 6238 §5.2), 0 to 10.
   * The current step is tried first, then −1, +1, −2, +2…
   *
   * @defaultValue `1`
   */
  window?: number;
  /**
   * The step of the last code accepted for this secret: steps at or before it are refused, so a
   * code can never be accepted twice (RFC 6238 §5.2). Store `result.step` after each success;
   * leave it out (or `undefined`) before the first.
   */
  afterStep?: number | undefined;
}

/** The outcome of {@link verifyTotp}. */
export type VerifyTotpResult =
  | {
      /** The code matched. */
      ok: true;
      /** The step T the code belongs to: store it and pass it back as `afterStep`. */
      step: number;
      /** `step` minus the current step: negative when the device is behind, positive when ahead. */
      delta: number;
    }
  | {
      /** The code did not match any step allowed. */
      ok: false;
    };

/** {@link generateTotp} with a chosen HMAC backend. */
export function generateTotpWith(backend: HmacBackend, options: GenerateTotpOptions): string {
  const hash = hashName(options.algorithm);
  const digits = checkDigits(options.digits);
  const step = stepAt(options.timestamp, checkPeriod(options.period));
  const key = secretBytes(options.secret);
  const message = new Uint8Array(8);
  writeCounter(message, step);
  // RFC 6238 §4.2: TOTP = HOTP(K, T).
  return formatCode(backend.truncated(hash, key, message) % (POW10[digits] as number), digits);
}

/**
 * Generates the TOTP code (RFC 6238 §4) for a moment.
 *
 * @param options - The secret, the time and the code parameters.
 * @returns The code, zero-padded to `digits` characters.
 * @throws {@link TotpError} `ERR_INVALID_SECRET` for a secret that is not bytes or base32, or not
 *   10 to 1024 bytes long; `ERR_INVALID_OPTIONS` for a timestamp, period or digits out of range;
 *   `ERR_UNSUPPORTED_ALGORITHM` for another algorithm.
 * @example
 * ```ts
 * const secret = generateSecret();
 * const code = generateTotp({ secret }); // e.g. '492039'
 * ```
 */
export function generateTotp(options: GenerateTotpOptions): string {
  return generateTotpWith(defaultBackend(), options);
}

/** {@link verifyTotp} with a chosen HMAC backend. */
export function verifyTotpWith(backend: HmacBackend, options: VerifyTotpOptions): VerifyTotpResult {
  const hash = hashName(options.algorithm);
  const digits = checkDigits(options.digits);
  const current = stepAt(options.timestamp, checkPeriod(options.period));
  const key = secretBytes(options.secret);
  const window = options.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      `window must be an integer from 0 to ${MAX_WINDOW}, got ${String(window)}`,
    );
  }
  const afterStep = options.afterStep ?? -1;
  if (!Number.isSafeInteger(afterStep)) {
    throw new TotpError('ERR_INVALID_OPTIONS', `afterStep must be a safe integer, got ${String(afterStep)}`);
  }
  const { token } = options;
  if (typeof token !== 'string') throw new TotpError('ERR_INVALID_OPTIONS', 'token must be a string');
  const typed = parseToken(token, digits);
  if (typed < 0) return { ok: false };

  const modulus = POW10[digits] as number;
  const mac = backend.keyed(hash, key);
  const message = new Uint8Array(8);
  // The current step first, then -1, +1, -2, +2…: a valid code usually costs one HMAC. Which step
  // matched is not secret; the comparison of each code is constant-time.
  for (let i = 0; i <= 2 * window; i++) {
    const offset = i === 0 ? 0 : i % 2 === 1 ? -((i + 1) >> 1) : i >> 1;
    const step = current + offset;
    if (step <= afterStep || step < 0 || step > Number.MAX_SAFE_INTEGER) continue;
    writeCounter(message, step);
    const code = mac(message) % modulus;
    // Both values are integers in [0, 2^31): one XOR compares every digit at once, no early exit.
    if ((code ^ typed) === 0) return { ok: true, step, delta: offset };
  }
  return { ok: false };
}

/**
 * Checks a TOTP code (RFC 6238 §4) against a secret, accepting `window` steps either side of the
 * current one and refusing steps at or before `afterStep`.
 *
 * Never throws for what a person typed: a wrong, short, long or non-numeric code gives
 * `{ ok: false }`. Throws only for invalid options.
 *
 * @param options - The typed code, the secret, the time and the acceptance rules.
 * @returns `{ ok: true, step, delta }` for an accepted code, otherwise `{ ok: false }`.
 * @throws {@link TotpError} `ERR_INVALID_SECRET` for a secret that is not bytes or base32, or not
 *   10 to 1024 bytes long; `ERR_INVALID_OPTIONS` for a token that is not a string, or a timestamp,
 *   period, digits, window or afterStep out of range; `ERR_UNSUPPORTED_ALGORITHM` for another
 *   algorithm.
 * @remarks Store `step` atomically with the user's record and pass it back as `afterStep`, also
 *   after the enrolment code: otherwise a code seen by an attacker can be replayed within the window.
 * @example
 * ```ts
 * const result = verifyTotp({ token: '287 082', secret, afterStep: lastStep });
 * if (result.ok) lastStep = result.step;
 * ```
 */
export function verifyTotp(options: VerifyTotpOptions): VerifyTotpResult {
  return verifyTotpWith(defaultBackend(), options);
}
