/** Error helpers used across the package. Not public. */
import { isWebAuthnError, WebAuthnError, type WebAuthnErrorCode } from '../errors.ts';

/** An `ERR_MALFORMED` error (with the original failure as `cause` when there is one). */
export function malformed(message: string, cause?: unknown): WebAuthnError {
  return new WebAuthnError('ERR_MALFORMED', message, cause === undefined ? undefined : { cause });
}

/** Shorthand for `new WebAuthnError(code, message)`. */
export function fail(code: WebAuthnErrorCode, message: string, cause?: unknown): WebAuthnError {
  return new WebAuthnError(code, message, cause === undefined ? undefined : { cause });
}

/**
 * Runs `fn`, letting our own errors through and turning anything else (a parser's `TypeError`,
 * `RangeError`, ...) into `ERR_MALFORMED` with `what` in the message.
 */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isWebAuthnError(error)) throw error;
    throw malformed(`${what}: ${(error as Error)?.message ?? String(error)}`, error);
  }
}

/** Async form of {@link guard}, for code that awaits WebCrypto. */
export async function guardAsync<T>(
  what: string,
  fn: () => Promise<T>,
  code: WebAuthnErrorCode = 'ERR_MALFORMED',
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isWebAuthnError(error)) throw error;
    throw new WebAuthnError(code, `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}
