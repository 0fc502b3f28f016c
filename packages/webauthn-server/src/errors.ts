/**
 * The one error class of `@keyward/webauthn-server`, its closed union of stable codes and a guard.
 */

/**
 * Stable error codes. Each names the step of the WebAuthn L3 verification procedure that failed.
 *
 * - `ERR_MALFORMED`: input that cannot be parsed (JSON, base64url, CBOR, COSE, DER, lengths).
 * - `ERR_BAD_OPTIONS`: the caller's own options are invalid (not the client's response).
 * - `ERR_TYPE_MISMATCH`: `clientDataJSON.type` is not the ceremony's (§7.1 step 7, §7.2 step 11).
 * - `ERR_CHALLENGE_MISMATCH`: the challenge is not the expected one.
 * - `ERR_ORIGIN_MISMATCH`: the origin is not one of the expected origins.
 * - `ERR_CROSS_ORIGIN`: `crossOrigin` is true (or `topOrigin` present) and not allowed.
 * - `ERR_RPID_MISMATCH`: `rpIdHash` matches none of the expected RP IDs (or the appid).
 * - `ERR_USER_NOT_PRESENT` / `ERR_USER_NOT_VERIFIED`: the UP / UV flag is not set when required.
 * - `ERR_BACKUP_FLAGS`: BS set without BE.
 * - `ERR_CREDENTIAL_MISMATCH`: the response's credential id differs from the authenticator data's or the stored one.
 * - `ERR_USER_HANDLE_MISMATCH`: `userHandle` differs from the expected one.
 * - `ERR_UNSUPPORTED_ALG`: a COSE algorithm or key type outside the accepted set, or a key whose curve does not match its alg.
 * - `ERR_BAD_SIGNATURE`: a signature does not verify.
 * - `ERR_SIGN_COUNT`: the signature counter did not increase (possible cloned authenticator).
 * - `ERR_ATTESTATION`: the attestation statement is invalid or its format unknown.
 * - `ERR_ATTESTATION_UNTRUSTED`: the attestation is valid but not trusted under the configured policy.
 * - `ERR_METADATA`: FIDO metadata is invalid, stale, or marks the authenticator revoked/compromised.
 */
export type WebAuthnErrorCode =
  | 'ERR_MALFORMED'
  | 'ERR_BAD_OPTIONS'
  | 'ERR_TYPE_MISMATCH'
  | 'ERR_CHALLENGE_MISMATCH'
  | 'ERR_ORIGIN_MISMATCH'
  | 'ERR_CROSS_ORIGIN'
  | 'ERR_RPID_MISMATCH'
  | 'ERR_USER_NOT_PRESENT'
  | 'ERR_USER_NOT_VERIFIED'
  | 'ERR_BACKUP_FLAGS'
  | 'ERR_CREDENTIAL_MISMATCH'
  | 'ERR_USER_HANDLE_MISMATCH'
  | 'ERR_UNSUPPORTED_ALG'
  | 'ERR_BAD_SIGNATURE'
  | 'ERR_SIGN_COUNT'
  | 'ERR_ATTESTATION'
  | 'ERR_ATTESTATION_UNTRUSTED'
  | 'ERR_METADATA';

/**
 * The only error `@keyward/webauthn-server` throws. `code` is stable; `message` is for server logs
 * (it names expected vs received public values, never secrets).
 *
 * @example
 * ```ts
 * try {
 *   await verifyAuthenticationResponse(options);
 * } catch (error) {
 *   if (isWebAuthnError(error) && error.code === 'ERR_SIGN_COUNT') lockCredential();
 *   throw error;
 * }
 * ```
 */
export class WebAuthnError extends Error {
  /** Always `'WebAuthnError'`. */
  override readonly name = 'WebAuthnError';
  /** The stable code of the failed check. */
  readonly code: WebAuthnErrorCode;

  /**
   * @param code - The stable error code.
   * @param message - A log-friendly description (public values only).
   * @param options - Standard `ErrorOptions` (`cause`).
   */
  constructor(code: WebAuthnErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Tells whether a value is a {@link WebAuthnError}, also across ESM/CJS copies of the package.
 *
 * @param error - Anything caught.
 * @returns `true` when `error` is a `WebAuthnError`.
 */
export function isWebAuthnError(error: unknown): error is WebAuthnError {
  return error instanceof Error && error.name === 'WebAuthnError' && 'code' in error;
}
