/**
 * Every stable code a {@link TotpError} can carry.
 *
 * - `ERR_INVALID_OPTIONS`: an option has the wrong type or is out of range (digits, period,
 *   timestamp, window, counter, afterStep, ttlMs, maxAttempts, issuer, account name…).
 * - `ERR_UNSUPPORTED_ALGORITHM`: the algorithm is not `'SHA-1'`, `'SHA-256'` or `'SHA-512'`.
 * - `ERR_INVALID_SECRET`: the secret is neither bytes nor base32, or its length is out of range.
 * - `ERR_INVALID_BASE32`: the text is not RFC 4648 base32.
 * - `ERR_INVALID_URI`: the text is not a usable `otpauth://` Key URI.
 * - `ERR_INVALID_RECORD`: an out-of-band code record is not one this package issued.
 */
export type TotpErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_UNSUPPORTED_ALGORITHM'
  | 'ERR_INVALID_SECRET'
  | 'ERR_INVALID_BASE32'
  | 'ERR_INVALID_URI'
  | 'ERR_INVALID_RECORD';

/**
 * The one error class of `@keyward/totp`. A wrong code is never an error (it is `{ ok: false }`);
 * this is thrown for invalid input from the program: bad options, secrets, base32 or URIs.
 * Messages never contain secrets or codes.
 *
 * @example
 * ```ts
 * try {
 *   base32Decode('not base32!');
 * } catch (error) {
 *   if (isTotpError(error)) console.log(error.code); // 'ERR_INVALID_BASE32'
 * }
 * ```
 */
export class TotpError extends Error {
  /** Always `'TotpError'`; {@link isTotpError} relies on it. */
  override readonly name = 'TotpError';
  /** The stable code to branch on. */
  readonly code: TotpErrorCode;

  /**
   * Creates an error with a stable code.
   *
   * @param code - The stable code.
   * @param message - A message for people; never holds secrets or codes.
   * @param options - The `cause`, when another error led to this one.
   */
  constructor(code: TotpErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Tells whether a value is a {@link TotpError}, also when it comes from another copy of this
 * package (ESM and CJS loaded side by side).
 *
 * @param error - Any caught value.
 * @returns `true` when `error` is a `TotpError`.
 */
export function isTotpError(error: unknown): error is TotpError {
  return error instanceof Error && error.name === 'TotpError' && 'code' in error;
}
