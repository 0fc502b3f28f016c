import { WebAuthnBrowserError } from './errors.ts';
import { runCeremony } from './internal/ceremony.ts';
import { credentialToJSON, requestOptionsFromJSON } from './internal/convert.ts';
import { requireWebAuthn } from './internal/globals.ts';
import { mapError } from './internal/map-error.ts';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from './types.ts';

/** Options of {@link startAuthentication}. */
export interface StartAuthenticationOptions {
  /**
   * Aborts the ceremony; it then rejects with `ERR_ABORTED`.
   *
   * @defaultValue no signal: the ceremony ends by itself, by timeout, or when a newer one starts
   */
  signal?: AbortSignal;
  /**
   * `'conditional'` offers passkeys in the autofill of a field marked
   * `autocomplete="username webauthn"` and waits, without a modal dialog, until the user picks
   * one (start it on page load; a later `startAuthentication` replaces it). `'optional'` is the
   * usual modal request.
   *
   * @defaultValue `'optional'`
   */
  mediation?: 'conditional' | 'optional';
}

/**
 * Signs in with a credential: runs `navigator.credentials.get` with the options JSON of
 * `generateAuthenticationOptions` and returns the JSON that `verifyAuthenticationResponse` checks.
 * A ceremony still pending from this package is aborted first (it rejects with `ERR_SUPERSEDED`).
 *
 * @param optionsJSON - The server's options, as JSON.
 * @param options - `signal` to abort; `mediation: 'conditional'` for passkey autofill.
 * @returns The assertion as JSON, ready to send to the server.
 * @throws {@link WebAuthnBrowserError} `ERR_CANCELLED` (cancelled, timed out, no matching
 * credential, user verification impossible), `ERR_INVALID_RP_ID`, `ERR_AUTHENTICATOR`,
 * `ERR_ABORTED`, `ERR_SUPERSEDED`, `ERR_BAD_OPTIONS`, `ERR_NOT_SECURE_CONTEXT`, `ERR_UNSUPPORTED`
 * (no WebAuthn, or conditional mediation asked for but not available), `ERR_UNKNOWN`.
 * @example
 * ```ts
 * const optionsJSON = await (await fetch('/webauthn/login/options')).json();
 * const response = await startAuthentication(optionsJSON);
 * await fetch('/webauthn/login/verify', { method: 'POST', body: JSON.stringify(response) });
 * ```
 */
export async function startAuthentication(
  optionsJSON: PublicKeyCredentialRequestOptionsJSON,
  options: StartAuthenticationOptions = {},
): Promise<AuthenticationResponseJSON> {
  const [pkc, credentials] = requireWebAuthn();
  const rpId = optionsJSON?.rpId;
  const mediation = options.mediation ?? 'optional';
  if (mediation === 'conditional' && !(await pkc.isConditionalMediationAvailable?.().catch(() => false))) {
    throw new WebAuthnBrowserError('ERR_UNSUPPORTED', 'conditional mediation is not available');
  }
  let publicKey: PublicKeyCredentialRequestOptions;
  try {
    publicKey = pkc.parseRequestOptionsFromJSON
      ? pkc.parseRequestOptionsFromJSON(optionsJSON)
      : requestOptionsFromJSON(optionsJSON);
  } catch (error) {
    throw mapError(error, false, rpId);
  }
  const credential = await runCeremony(options.signal, false, rpId, (signal) =>
    credentials.get({ publicKey, signal, mediation }),
  );
  return credentialToJSON<AuthenticationResponseJSON>(credential as PublicKeyCredential | null);
}
