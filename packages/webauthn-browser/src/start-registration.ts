import { WebAuthnBrowserError } from './errors.ts';
import { runCeremony } from './internal/ceremony.ts';
import { creationOptionsFromJSON, credentialToJSON } from './internal/convert.ts';
import { requireWebAuthn } from './internal/globals.ts';
import { mapError } from './internal/map-error.ts';
import { getClientCapabilities } from './support.ts';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from './types.ts';

/** Options of {@link startRegistration}. */
export interface StartRegistrationOptions {
  /**
   * Aborts the ceremony; it then rejects with `ERR_ABORTED`.
   *
   * @defaultValue no signal: the ceremony ends by itself, by timeout, or when a newer one starts
   */
  signal?: AbortSignal;
  /**
   * `'conditional'` asks for a conditional create (WebAuthn L3, "automatic passkey upgrade"):
   * right after the user signed in with a password saved in their password manager, the browser
   * may create a passkey without a dialog, or the call stays pending. Verify such responses with
   * `requireUserPresence: false`. Rejects with `ERR_UNSUPPORTED` where the browser does not
   * report the `conditionalCreate` capability.
   *
   * @defaultValue `'optional'`: the usual modal request
   */
  mediation?: 'conditional' | 'optional';
}

/**
 * Creates a credential (a passkey or a security-key credential) from the options JSON of
 * `generateRegistrationOptions` and returns the JSON that `verifyRegistrationResponse` checks.
 * A ceremony still pending from this package is aborted first (it rejects with `ERR_SUPERSEDED`).
 *
 * @param optionsJSON - The server's options, as JSON.
 * @param options - `signal` to abort; `mediation: 'conditional'` for a conditional create.
 * @returns The new credential as JSON, ready to send to the server.
 * @throws {@link WebAuthnBrowserError} `ERR_CANCELLED` (cancelled, timed out, no suitable
 * authenticator), `ERR_ALREADY_REGISTERED` (an `excludeCredentials` entry is on the authenticator),
 * `ERR_INVALID_RP_ID`, `ERR_ALG_UNSUPPORTED`, `ERR_AUTHENTICATOR`, `ERR_ABORTED`, `ERR_SUPERSEDED`,
 * `ERR_BAD_OPTIONS`, `ERR_NOT_SECURE_CONTEXT`, `ERR_UNSUPPORTED` (no WebAuthn, or conditional
 * create asked for but not available), `ERR_UNKNOWN`.
 * @example
 * ```ts
 * const optionsJSON = await (await fetch('/webauthn/register/options')).json();
 * const response = await startRegistration(optionsJSON);
 * await fetch('/webauthn/register/verify', { method: 'POST', body: JSON.stringify(response) });
 * ```
 */
export async function startRegistration(
  optionsJSON: PublicKeyCredentialCreationOptionsJSON,
  options: StartRegistrationOptions = {},
): Promise<RegistrationResponseJSON> {
  const [pkc, credentials] = requireWebAuthn();
  const rpId = optionsJSON?.rp?.id;
  const mediation = options.mediation ?? 'optional';
  if (mediation === 'conditional' && !(await getClientCapabilities())?.['conditionalCreate']) {
    throw new WebAuthnBrowserError('ERR_UNSUPPORTED', 'conditional create is not available');
  }
  let publicKey: PublicKeyCredentialCreationOptions;
  try {
    publicKey = pkc.parseCreationOptionsFromJSON
      ? pkc.parseCreationOptionsFromJSON(optionsJSON)
      : creationOptionsFromJSON(optionsJSON);
  } catch (error) {
    throw mapError(error, true, rpId);
  }
  const credential = await runCeremony(options.signal, true, rpId, (signal) =>
    // TS 5.9's DOM types lack `mediation` on create (WebAuthn L3 conditional create).
    credentials.create({ publicKey, signal, mediation } as CredentialCreationOptions),
  );
  return credentialToJSON<RegistrationResponseJSON>(credential as PublicKeyCredential | null);
}
