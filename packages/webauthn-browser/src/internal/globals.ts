import { WebAuthnBrowserError } from '../errors.ts';

/** The static side of `PublicKeyCredential`, every Level 3 method optional (feature detection). */
export interface PublicKeyCredentialStatic {
  parseCreationOptionsFromJSON?(options: unknown): PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?(options: unknown): PublicKeyCredentialRequestOptions;
  isConditionalMediationAvailable?(): Promise<boolean>;
  isUserVerifyingPlatformAuthenticatorAvailable?(): Promise<boolean>;
  getClientCapabilities?(): Promise<Record<string, boolean>>;
  signalUnknownCredential?(options: object): Promise<void>;
  signalAllAcceptedCredentials?(options: object): Promise<void>;
  signalCurrentUserDetails?(options: object): Promise<void>;
}

/** The message of `ERR_NOT_SECURE_CONTEXT`, wherever it is detected. */
export const NOT_SECURE = 'WebAuthn needs a secure context (https or localhost)';

/** `PublicKeyCredential` and `navigator.credentials` when this browser has WebAuthn. */
export function webAuthn(): [PublicKeyCredentialStatic, CredentialsContainer] | undefined {
  const pkc = (globalThis as { PublicKeyCredential?: PublicKeyCredentialStatic }).PublicKeyCredential;
  const credentials = globalThis.navigator?.credentials;
  return pkc && typeof credentials?.create === 'function' ? [pkc, credentials] : undefined;
}

/**
 * Like {@link webAuthn} but throws `ERR_NOT_SECURE_CONTEXT` or `ERR_UNSUPPORTED` instead of
 * returning `undefined`.
 */
export function requireWebAuthn(): [PublicKeyCredentialStatic, CredentialsContainer] {
  if (globalThis.isSecureContext === false) {
    throw new WebAuthnBrowserError('ERR_NOT_SECURE_CONTEXT', NOT_SECURE);
  }
  const found = webAuthn();
  if (!found) throw new WebAuthnBrowserError('ERR_UNSUPPORTED', 'this browser has no WebAuthn');
  return found;
}
