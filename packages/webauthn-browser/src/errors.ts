/**
 * Stable codes of {@link WebAuthnBrowserError}. Each names the likely cause, not the DOMException:
 *
 * - `ERR_CANCELLED`: `NotAllowedError`. The user cancelled, the ceremony timed out, or no
 *   authenticator could satisfy it (no matching credential, user verification required but off).
 * - `ERR_ALREADY_REGISTERED`: `InvalidStateError` on create. The authenticator already holds a
 *   credential listed in `excludeCredentials`.
 * - `ERR_INVALID_RP_ID`: `SecurityError`. The RP ID is not valid for this page's origin.
 * - `ERR_ALG_UNSUPPORTED`: `NotSupportedError` on create. No algorithm in `pubKeyCredParams` is
 *   supported by the authenticator.
 * - `ERR_AUTHENTICATOR`: `ConstraintError` or `UnknownError`. The authenticator cannot meet a
 *   required resident key or user verification, or failed.
 * - `ERR_NOT_SECURE_CONTEXT`: the page is not a secure context (https or localhost).
 * - `ERR_ABORTED`: the caller's `AbortSignal` aborted the ceremony.
 * - `ERR_SUPERSEDED`: a newer ceremony started by this package aborted this one.
 * - `ERR_UNSUPPORTED`: the browser lacks WebAuthn, or the feature asked for (such as conditional
 *   mediation).
 * - `ERR_BAD_OPTIONS`: the options JSON is malformed (`TypeError`, `EncodingError`, bad base64url).
 * - `ERR_UNKNOWN`: anything else; see `cause`.
 */
export type WebAuthnBrowserErrorCode =
  | 'ERR_CANCELLED'
  | 'ERR_ALREADY_REGISTERED'
  | 'ERR_INVALID_RP_ID'
  | 'ERR_ALG_UNSUPPORTED'
  | 'ERR_AUTHENTICATOR'
  | 'ERR_NOT_SECURE_CONTEXT'
  | 'ERR_ABORTED'
  | 'ERR_SUPERSEDED'
  | 'ERR_UNSUPPORTED'
  | 'ERR_BAD_OPTIONS'
  | 'ERR_UNKNOWN';

/**
 * The one error this package throws. `code` is stable; `message` gives the likely cause;
 * `cause` holds the browser's original error (usually a `DOMException`) when there was one.
 *
 * @example
 * ```ts
 * try {
 *   await startRegistration(optionsJSON);
 * } catch (error) {
 *   if (isWebAuthnBrowserError(error) && error.code === 'ERR_ALREADY_REGISTERED') {
 *     showMessage('This key is already registered.');
 *   }
 * }
 * ```
 */
export class WebAuthnBrowserError extends Error {
  /** Always `'WebAuthnBrowserError'`; {@link isWebAuthnBrowserError} relies on it. */
  override readonly name = 'WebAuthnBrowserError';
  /** The stable machine-readable code. */
  readonly code: WebAuthnBrowserErrorCode;

  /**
   * Creates an error with a code and a message.
   *
   * @param code - The stable code.
   * @param message - The likely cause, for a developer.
   * @param options - `cause`: the original error.
   */
  constructor(code: WebAuthnBrowserErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Tells whether a value is a {@link WebAuthnBrowserError}, even one from another copy of this package.
 *
 * @param error - Any caught value.
 * @returns `true` when `error` is a `WebAuthnBrowserError`.
 */
export function isWebAuthnBrowserError(error: unknown): error is WebAuthnBrowserError {
  return error instanceof Error && error.name === 'WebAuthnBrowserError' && 'code' in error;
}
