/** Sign-in with a security key from Node: options JSON in, AuthenticationResponseJSON out. */
import { bytesToBase64url } from '@keyward/internal';
import type { AssertionResult } from '../client/credentials.ts';
import type { Ctap2Client } from '../client/ctap2-client.ts';
import { PIN_PERMISSION } from '../ctap2/constants.ts';
import { CtapError, isCtapError } from '../errors.ts';
import { type CeremonyOptions, clientData, descriptors, resolveRpId, userVerification, withTimeout } from './common.ts';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from './types.ts';

/** Options of {@link getCredential}. */
export interface GetCredentialOptions extends CeremonyOptions {
  /**
   * Picks one of several discoverable credentials (a browser shows an account chooser here).
   *
   * @defaultValue the first one
   */
  chooseCredential?: (assertions: AssertionResult[]) => AssertionResult | Promise<AssertionResult>;
}

/**
 * Signs in with a security key the way a browser's `navigator.credentials.get()` does, for Node
 * programs: builds clientDataJSON for `origin`, asks the key for an assertion (with the PIN when
 * given) and returns the `AuthenticationResponseJSON` that `verifyAuthenticationResponse` of
 * `@keyward/webauthn-server` takes.
 *
 * @param client - The key.
 * @param optionsJSON - The options from `generateAuthenticationOptions`.
 * @param options - The origin, the PIN, cancellation, the touch prompt, an account chooser.
 * @returns The authentication response.
 * @throws {@link CtapError} `ERR_INVALID_ARGUMENT`, `ERR_PIN_REQUIRED`, `ERR_CANCELLED`, `ERR_TIMEOUT`.
 * @throws {@link CtapError} `CTAP2_ERR_NO_CREDENTIALS` when the key has no credential for the RP, `CTAP2_ERR_PIN_INVALID`, …
 * @example
 * ```ts
 * const optionsJSON = await generateAuthenticationOptions({ rpID: 'example.com', allowCredentials });
 * const response = await getCredential(client, optionsJSON, { origin: 'https://example.com' });
 * ```
 */
export async function getCredential(
  client: Ctap2Client,
  optionsJSON: PublicKeyCredentialRequestOptionsJSON,
  options: GetCredentialOptions,
): Promise<AuthenticationResponseJSON> {
  const rpId = resolveRpId(options.origin, optionsJSON.rpId);
  const { json, hash } = clientData(
    'webauthn.get',
    optionsJSON.challenge,
    options.origin,
    options.crossOrigin ?? false,
  );
  const uv = await userVerification(
    client,
    optionsJSON.userVerification,
    options.pin,
    PIN_PERMISSION.ga,
    rpId,
    options,
  );
  const params = {
    rpId,
    clientDataHash: hash,
    allowList: descriptors(optionsJSON.allowCredentials, 'allowCredentials'),
    options: { up: true, ...(uv.uv ? { uv: true } : {}) },
    ...(uv.token ? { pinUvAuthToken: uv.token } : {}),
  };
  let assertions: AssertionResult[];
  try {
    assertions = await client.getAssertions(params, withTimeout(options, optionsJSON.timeout));
  } catch (error) {
    if (isCtapError(error) && error.code === 'CTAP2_ERR_PUAT_REQUIRED' && options.pin === undefined) {
      throw new CtapError('ERR_PIN_REQUIRED', 'the key needs its PIN to sign in: pass `pin`', { cause: error });
    }
    throw error;
  }
  const chosen = options.chooseCredential
    ? await options.chooseCredential(assertions)
    : (assertions[0] as AssertionResult);
  const id = bytesToBase64url(chosen.credential.id);
  const response: AuthenticationResponseJSON['response'] = {
    clientDataJSON: bytesToBase64url(json),
    authenticatorData: bytesToBase64url(chosen.authData),
    signature: bytesToBase64url(chosen.signature),
  };
  if (chosen.user) response.userHandle = bytesToBase64url(chosen.user.id);
  return {
    id,
    rawId: id,
    response,
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults: {},
    type: 'public-key',
  };
}
