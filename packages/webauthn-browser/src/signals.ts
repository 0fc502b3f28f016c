import { type PublicKeyCredentialStatic, requireWebAuthn } from './internal/globals.ts';
import { mapError } from './internal/map-error.ts';

/** Input of {@link signalUnknownCredential} (WebAuthn L3 §5.1.10.1, `UnknownCredentialOptions`). */
export interface UnknownCredentialOptions {
  /** The RP ID the credential belongs to. */
  rpId: string;
  /** The credential ID the server does not know (any more), base64url. */
  credentialId: string;
}

/** Input of {@link signalAllAcceptedCredentials} (WebAuthn L3 §5.1.10.2, `AllAcceptedCredentialsOptions`). */
export interface AllAcceptedCredentialsOptions {
  /** The RP ID. */
  rpId: string;
  /** The user handle, base64url. */
  userId: string;
  /** Every credential ID the server still accepts for this user, base64url. */
  allAcceptedCredentialIds: string[];
}

/** Input of {@link signalCurrentUserDetails} (WebAuthn L3 §5.1.10.3, `CurrentUserDetailsOptions`). */
export interface CurrentUserDetailsOptions {
  /** The RP ID. */
  rpId: string;
  /** The user handle, base64url. */
  userId: string;
  /** The account's current name. */
  name: string;
  /** The account's current display name. */
  displayName: string;
}

type SignalName = 'signalUnknownCredential' | 'signalAllAcceptedCredentials' | 'signalCurrentUserDetails';

async function signal(name: SignalName, options: { rpId: string }): Promise<boolean> {
  const pkc: PublicKeyCredentialStatic = requireWebAuthn()[0];
  const method = pkc[name];
  if (!method) return false;
  try {
    await method.call(pkc, options);
    return true;
  } catch (error) {
    throw mapError(error, false, options.rpId);
  }
}

/**
 * Tells the browser's passkey provider that a credential is unknown to the server (for example
 * after a sign-in with a deleted passkey failed), so it can hide or remove it.
 *
 * @param options - The RP ID and the credential ID.
 * @returns `true` when the browser took the signal; `false` when it has no such method.
 * @throws {@link WebAuthnBrowserError} `ERR_INVALID_RP_ID` (RP ID not valid for this origin),
 * `ERR_BAD_OPTIONS` (an ID is not base64url), `ERR_NOT_SECURE_CONTEXT`, `ERR_UNSUPPORTED`, `ERR_UNKNOWN`.
 * @example
 * ```ts
 * await signalUnknownCredential({ rpId: 'example.com', credentialId: response.id });
 * ```
 */
export function signalUnknownCredential(options: UnknownCredentialOptions): Promise<boolean> {
  return signal('signalUnknownCredential', options);
}

/**
 * Tells the browser's passkey provider the full list of credentials the server accepts for a
 * user, so it can hide the others. Send only to the signed-in user: the list is theirs.
 *
 * @param options - The RP ID, the user handle and the accepted credential IDs.
 * @returns `true` when the browser took the signal; `false` when it has no such method.
 * @throws {@link WebAuthnBrowserError} `ERR_INVALID_RP_ID`, `ERR_BAD_OPTIONS`,
 * `ERR_NOT_SECURE_CONTEXT`, `ERR_UNSUPPORTED`, `ERR_UNKNOWN`.
 */
export function signalAllAcceptedCredentials(options: AllAcceptedCredentialsOptions): Promise<boolean> {
  return signal('signalAllAcceptedCredentials', options);
}

/**
 * Tells the browser's passkey provider a user's current name and display name (after a rename).
 *
 * @param options - The RP ID, the user handle, the name and the display name.
 * @returns `true` when the browser took the signal; `false` when it has no such method.
 * @throws {@link WebAuthnBrowserError} `ERR_INVALID_RP_ID`, `ERR_BAD_OPTIONS`,
 * `ERR_NOT_SECURE_CONTEXT`, `ERR_UNSUPPORTED`, `ERR_UNKNOWN`.
 */
export function signalCurrentUserDetails(options: CurrentUserDetailsOptions): Promise<boolean> {
  return signal('signalCurrentUserDetails', options);
}
