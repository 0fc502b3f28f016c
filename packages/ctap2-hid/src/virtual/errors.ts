/**
 * The error class of the virtual authenticator's public API (options, saved state, UDP server).
 * Protocol failures are never thrown: they become CTAP status codes or CTAPHID_ERROR reports.
 */

/** Stable codes of {@link VirtualAuthenticatorError}. */
export type VirtualAuthenticatorErrorCode =
  /** A saved state is not valid JSON or does not have the shape this version writes. */
  | 'ERR_STATE_CORRUPT'
  /** A saved state belongs to another program or to an unsupported version. */
  | 'ERR_STATE_FOREIGN'
  /** An option has a value out of range. */
  | 'ERR_INVALID_OPTION'
  /** The authenticator was closed. */
  | 'ERR_CLOSED'
  /** The UDP socket could not be opened. */
  | 'ERR_SOCKET';

/**
 * Thrown by {@link VirtualAuthenticator} and {@link serveUdp} for bad options, bad saved state and
 * socket failures.
 *
 * @example
 * ```ts
 * try {
 *   VirtualAuthenticator.fromState(JSON.parse(text));
 * } catch (error) {
 *   if (isVirtualAuthenticatorError(error) && error.code === 'ERR_STATE_CORRUPT') console.error(error.message);
 * }
 * ```
 */
export class VirtualAuthenticatorError extends Error {
  override readonly name = 'VirtualAuthenticatorError';
  /** Stable machine-readable code. */
  readonly code: VirtualAuthenticatorErrorCode;

  /**
   * @param code - The stable code.
   * @param message - What went wrong, for a person.
   * @param options - `cause`, when another error led to this one.
   */
  constructor(code: VirtualAuthenticatorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Tells whether a value is a {@link VirtualAuthenticatorError}, also across ESM and CJS copies.
 *
 * @param error - Any caught value.
 * @returns `true` when `error` is a {@link VirtualAuthenticatorError}.
 */
export function isVirtualAuthenticatorError(error: unknown): error is VirtualAuthenticatorError {
  return error instanceof Error && error.name === 'VirtualAuthenticatorError' && 'code' in error;
}
