/** `verifyAuthenticationResponse` (WebAuthn L3 §7.2 "Verifying an Authentication Assertion"). */
import { base64urlToBytes, equalBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { parseAuthenticatorData } from '../ceremony/authenticator-data.ts';
import {
  checkChallenge,
  checkFlags,
  checkOrigin,
  matchRpId,
  parseClientData,
  rpIdHashOf,
} from '../ceremony/client-data.ts';
import { type CeremonyExpectations, checkExpectations } from '../ceremony/expectations.ts';
import { credentialIdOf, objectField } from '../ceremony/response.ts';
import { type CoseKey, parseCoseKey } from '../cose/key.ts';
import { verifyWithCoseKey } from '../crypto/verify.ts';
import { isWebAuthnError, WebAuthnError } from '../errors.ts';
import { bytesKey, decodeB64url } from '../internal/bytes.ts';
import { fail, guardAsync, malformed } from '../internal/errors.ts';
import { LruCache } from '../internal/lru.ts';
import type { AuthenticationResponseJSON } from '../types.ts';

/** The stored credential an assertion is checked against. */
export interface StoredCredential {
  /** The credential ID (base64url). */
  readonly id: string;
  /** The credential public key (COSE_Key bytes, as registration returned them). */
  readonly publicKey: Uint8Array;
  /** The signature counter stored after the last ceremony. */
  readonly signCount: number;
  /** The BE flag seen at registration, when stored: a change is reported, never rejected. */
  readonly backupEligible?: boolean;
}

/** Options of {@link verifyAuthenticationResponse}. */
export interface VerifyAuthenticationResponseOptions extends CeremonyExpectations {
  /** The response from the browser, as `PublicKeyCredential.toJSON()` gives it. */
  readonly response: AuthenticationResponseJSON;
  /**
   * Require the UP flag.
   * @defaultValue `true`
   */
  readonly requireUserPresence?: boolean;
  /** The credential the response claims to be from (looked up by `response.id`). */
  readonly credential: StoredCredential;
  /** The user handle (base64url) expected when the response carries one. */
  readonly expectedUserHandle?: string;
  /**
   * The FIDO AppID used with the `appid` extension for credentials registered through U2F.
   * When the client reports `appid: true`, rpIdHash may be SHA-256 of this AppID.
   */
  readonly expectedAppId?: string;
  /**
   * What to do when the counter did not increase: `'reject'` throws `ERR_SIGN_COUNT`,
   * `'report'` returns `cloneWarning: true`.
   * @defaultValue `'reject'`
   */
  readonly signCountPolicy?: 'reject' | 'report';
}

/** The result of a successful assertion. */
export interface VerifiedAuthentication {
  /** The credential ID (base64url). */
  readonly credentialId: string;
  /** The counter to store. */
  readonly newSignCount: number;
  /** The UV flag. */
  readonly userVerified: boolean;
  /** The UP flag. */
  readonly userPresent: boolean;
  /** The BE flag. */
  readonly backupEligible: boolean;
  /** The BS flag. */
  readonly backedUp: boolean;
  /** The RP ID (or AppID) the rpIdHash matched. */
  readonly rpID: string;
  /** The origin from clientDataJSON. */
  readonly origin: string;
  /** The user handle (base64url), when the response carries one. */
  readonly userHandle?: string;
  /** `true` when the counter did not increase and `signCountPolicy` is `'report'`. */
  readonly cloneWarning: boolean;
  /**
   * `true` when `credential.backupEligible` was given and the BE flag now differs. Some
   * platforms change it after an update or a sync; it is reported, not rejected.
   */
  readonly backupEligibilityChanged: boolean;
  /** Authenticator extension outputs (decoded CBOR map), when the ED flag was set. */
  readonly authenticatorExtensions?: ReadonlyMap<unknown, unknown>;
}

const parsedKeys = /* @__PURE__ */ new LruCache<string, CoseKey>(4096);

function storedKey(bytes: Uint8Array): CoseKey {
  if (!(bytes instanceof Uint8Array))
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'credential.publicKey must be a Uint8Array');
  const id = bytesKey(bytes);
  let key = parsedKeys.get(id);
  if (!key) {
    try {
      key = parseCoseKey(bytes);
    } catch (error) {
      if (isWebAuthnError(error) && error.code === 'ERR_UNSUPPORTED_ALG') throw error;
      throw new WebAuthnError(
        'ERR_BAD_OPTIONS',
        `credential.publicKey is not a valid COSE key: ${(error as Error).message}`,
        { cause: error },
      );
    }
    parsedKeys.set(id, key);
  }
  return key;
}

/**
 * Verifies an authentication assertion (WebAuthn L3 §7.2) against a stored credential.
 *
 * @param options - The response, the stored credential and what the relying party expects.
 * @returns The verified assertion; store `newSignCount`.
 * @throws {@link WebAuthnError} `ERR_BAD_OPTIONS` for invalid options; `ERR_MALFORMED` for an
 * unparsable response; `ERR_CREDENTIAL_MISMATCH`, `ERR_TYPE_MISMATCH`, `ERR_CHALLENGE_MISMATCH`,
 * `ERR_ORIGIN_MISMATCH`, `ERR_CROSS_ORIGIN`, `ERR_RPID_MISMATCH`, `ERR_USER_NOT_PRESENT`,
 * `ERR_USER_NOT_VERIFIED`, `ERR_BACKUP_FLAGS`, `ERR_USER_HANDLE_MISMATCH`, `ERR_BAD_SIGNATURE`,
 * `ERR_SIGN_COUNT`, `ERR_UNSUPPORTED_ALG` for the failed check.
 * @example
 * ```ts
 * const stored = await db.findCredential(body.id);
 * const { newSignCount } = await verifyAuthenticationResponse({
 *   response: body,
 *   expectedChallenge: session.challenge,
 *   expectedOrigin: 'https://example.com',
 *   expectedRPID: 'example.com',
 *   credential: stored,
 * });
 * await db.updateSignCount(stored.id, newSignCount);
 * ```
 */
export async function verifyAuthenticationResponse(
  options: VerifyAuthenticationResponseOptions,
): Promise<VerifiedAuthentication> {
  return guardAsync('authentication response could not be processed', () => verify(options));
}

async function verify(options: VerifyAuthenticationResponseOptions): Promise<VerifiedAuthentication> {
  const { origins, rpIds, requireUV, requireUP, allowCrossOrigin, topOrigins } = checkExpectations(options);
  const policy = options.signCountPolicy ?? 'reject';
  if (policy !== 'reject' && policy !== 'report')
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'signCountPolicy must be "reject" or "report"');
  const stored = options.credential;
  if (typeof stored !== 'object' || stored === null)
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'credential must be an object');
  if (typeof stored.id !== 'string')
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'credential.id must be a base64url string');
  if (!Number.isInteger(stored.signCount) || stored.signCount < 0 || stored.signCount > 0xffffffff)
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'credential.signCount must be an integer in 0..2^32-1');
  const key = storedKey(stored.publicKey);

  // §7.2 steps 1-6: the response, the credential it names, clientDataJSON.
  const response = objectField(options.response, 'response');
  const rawId = credentialIdOf(response);
  const storedId = decodeB64url(stored.id, 'credential.id');
  if (!equalBytes(rawId, storedId))
    throw fail('ERR_CREDENTIAL_MISMATCH', 'response.id is not the stored credential ID');
  const inner = objectField(response.response, 'response.response');
  const clientDataJSON = decodeB64url(inner.clientDataJSON, 'response.response.clientDataJSON');
  const authDataBytes = decodeB64url(inner.authenticatorData, 'response.response.authenticatorData');
  const signature = decodeB64url(inner.signature, 'response.response.signature');
  let userHandle: string | undefined;
  if (inner.userHandle !== undefined && inner.userHandle !== null && inner.userHandle !== '') {
    // The user handle is opaque to the verifier: some clients send text that is not canonical base64url.
    if (typeof inner.userHandle !== 'string') throw malformed('response.response.userHandle must be a string');
    userHandle = inner.userHandle;
    if (options.expectedUserHandle !== undefined && options.expectedUserHandle !== userHandle) {
      const a = base64urlToBytes(String(options.expectedUserHandle));
      const b = base64urlToBytes(userHandle);
      if (!a || !b || !equalBytes(a, b))
        throw fail('ERR_USER_HANDLE_MISMATCH', 'userHandle is not the expected user handle');
    }
  }
  const client = parseClientData(clientDataJSON);
  // Steps 11-14: type, challenge, origin, cross-origin.
  if (client.type !== 'webauthn.get')
    throw fail('ERR_TYPE_MISMATCH', `clientDataJSON.type must be "webauthn.get", found "${client.type}"`);
  const pending = checkChallenge(options.expectedChallenge, client.challenge);
  if (pending) await pending;
  const origin = checkOrigin(client, { origins, allowCrossOrigin, topOrigins });
  const authData = parseAuthenticatorData(authDataBytes);
  // Step 15: rpIdHash, or the AppID's hash when the appid extension was used.
  let rpID = matchRpId(authData.rpIdHash, rpIds);
  if (rpID === undefined && options.expectedAppId !== undefined) {
    const ext = objectField(response.clientExtensionResults ?? {}, 'response.clientExtensionResults');
    if (
      ext.appid === true &&
      typeof options.expectedAppId === 'string' &&
      equalBytes(rpIdHashOf(options.expectedAppId), authData.rpIdHash)
    )
      rpID = options.expectedAppId;
  }
  if (rpID === undefined)
    throw fail('ERR_RPID_MISMATCH', `rpIdHash matches none of the expected RP IDs (${rpIds.join(', ')})`);
  // Steps 16-19: flags.
  checkFlags(authData, requireUP, requireUV);
  // Steps 20-21: the signature over authenticatorData || SHA-256(clientDataJSON).
  const data = new Uint8Array(authDataBytes.length + 32);
  data.set(authDataBytes);
  data.set(sha256(clientDataJSON), authDataBytes.length);
  if (!(await verifyWithCoseKey(key, data, signature)))
    throw fail('ERR_BAD_SIGNATURE', 'the assertion signature does not verify with the stored public key');
  // Step 22: the signature counter.
  let cloneWarning = false;
  if ((authData.signCount !== 0 || stored.signCount !== 0) && authData.signCount <= stored.signCount) {
    if (policy === 'reject')
      throw fail(
        'ERR_SIGN_COUNT',
        `signCount ${authData.signCount} is not greater than the stored ${stored.signCount}: possible cloned authenticator`,
      );
    cloneWarning = true;
  }
  return {
    credentialId: stored.id,
    newSignCount: Math.max(stored.signCount, authData.signCount),
    userVerified: authData.uv,
    userPresent: authData.up,
    backupEligible: authData.be,
    backedUp: authData.bs,
    rpID,
    origin,
    ...(userHandle !== undefined ? { userHandle } : {}),
    cloneWarning,
    backupEligibilityChanged: typeof stored.backupEligible === 'boolean' && stored.backupEligible !== authData.be,
    ...(authData.extensions ? { authenticatorExtensions: authData.extensions } : {}),
  };
}
