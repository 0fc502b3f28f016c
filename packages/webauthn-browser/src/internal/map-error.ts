import { isWebAuthnBrowserError, WebAuthnBrowserError, type WebAuthnBrowserErrorCode } from '../errors.ts';
import { NOT_SECURE } from './globals.ts';

/**
 * Turns whatever a WebAuthn call threw into a {@link WebAuthnBrowserError} with the likely cause
 * (WebAuthn L3 §5.1.3 and §5.1.4 list the DOMExceptions and when each is thrown).
 *
 * @param error - The caught value.
 * @param create - `true` for `navigator.credentials.create`, `false` for `get` and the rest.
 * @param rpId - The RP ID asked for, or `undefined` for "this page's host".
 */
export function mapError(error: unknown, create: boolean, rpId?: string): WebAuthnBrowserError {
  if (isWebAuthnBrowserError(error)) return error;
  const name = (error as { name?: unknown } | null)?.name;
  let code: WebAuthnBrowserErrorCode = 'ERR_UNKNOWN';
  let why = 'unexpected error';
  if (globalThis.isSecureContext === false) {
    code = 'ERR_NOT_SECURE_CONTEXT';
    why = NOT_SECURE;
  } else if (name === 'NotAllowedError') {
    code = 'ERR_CANCELLED';
    why = 'cancelled or timed out, or no authenticator could satisfy the request';
  } else if (name === 'AbortError') {
    code = 'ERR_ABORTED';
    why = 'aborted';
  } else if (name === 'InvalidStateError' && create) {
    code = 'ERR_ALREADY_REGISTERED';
    why = 'the authenticator already holds a credential from excludeCredentials';
  } else if (name === 'SecurityError') {
    code = 'ERR_INVALID_RP_ID';
    why = `RP ID "${rpId ?? globalThis.location?.hostname}" is not valid for ${globalThis.location?.origin}`;
  } else if (name === 'NotSupportedError') {
    code = create ? 'ERR_ALG_UNSUPPORTED' : 'ERR_UNSUPPORTED';
    why = create ? 'no algorithm in pubKeyCredParams is supported' : 'not supported';
  } else if (name === 'ConstraintError' || name === 'UnknownError') {
    code = 'ERR_AUTHENTICATOR';
    why = 'the authenticator cannot meet residentKey/userVerification, or failed';
  } else if (name === 'TypeError' || name === 'EncodingError' || name === 'SyntaxError') {
    code = 'ERR_BAD_OPTIONS';
    why = 'malformed options';
  }
  return new WebAuthnBrowserError(code, `${why} (${String(name)})`, { cause: error });
}
