/** `verifyRegistrationResponse` (WebAuthn L3 §7.1 "Registering a New Credential"). */
import { bytesToBase64url, equalBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { ATTESTATION_FORMATS } from '../attestation/index.ts';
import { checkNoneStatement } from '../attestation/none.ts';
import type { AttestationType } from '../attestation/types.ts';
import { parseAuthenticatorData } from '../ceremony/authenticator-data.ts';
import { checkChallenge, checkFlags, checkOrigin, matchRpId, parseClientData } from '../ceremony/client-data.ts';
import { type CeremonyExpectations, checkExpectations } from '../ceremony/expectations.ts';
import { splitAttestationObject } from '../ceremony/fast-cbor.ts';
import { credentialIdOf, objectField } from '../ceremony/response.ts';
import { DEFAULT_SUPPORTED_ALGORITHMS } from '../cose/constants.ts';
import { coseKeyFromMap } from '../cose/key.ts';
import { WebAuthnError } from '../errors.ts';
import { decodeB64url, formatAaguid } from '../internal/bytes.ts';
import { cborDecode } from '../internal/cbor.ts';
import { fail, guardAsync, malformed } from '../internal/errors.ts';
import { type AttestationPolicy, evaluateTrust } from '../trust/policy.ts';
import type { RegistrationResponseJSON } from '../types.ts';

/** Options of {@link verifyRegistrationResponse}. */
export interface VerifyRegistrationResponseOptions extends CeremonyExpectations {
  /** The response from the browser, as `PublicKeyCredential.toJSON()` gives it. */
  readonly response: RegistrationResponseJSON;
  /**
   * Require the UP flag; `false` only for conditional (automatic passkey upgrade) registrations.
   * @defaultValue `true`
   */
  readonly requireUserPresence?: boolean;
  /**
   * Accepted COSE algorithms of the credential key.
   * @defaultValue `[-8, -7, -35, -36, -257, -258, -259, -37]`
   */
  readonly supportedAlgorithms?: readonly number[];
  /** Trust policy for attestation (anchors, metadata, clock). */
  readonly attestation?: AttestationPolicy;
}

/** The credential to store after a successful registration. */
export interface RegisteredCredential {
  /** The credential ID (base64url). */
  readonly id: string;
  /** The credential public key as a COSE_Key (exact bytes from authData). */
  readonly publicKey: Uint8Array;
  /** The initial signature counter. */
  readonly signCount: number;
  /** Transports reported by the client. */
  readonly transports?: string[];
}

/** The result of a successful registration. */
export interface VerifiedRegistration {
  /** What to store. */
  readonly credential: RegisteredCredential;
  /** The attestation statement format. */
  readonly fmt: string;
  /** The AAGUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
  readonly aaguid: string;
  /** The attestation type established. */
  readonly attestationType: AttestationType;
  /** Whether the attestation reached a configured trust anchor or metadata root. */
  readonly attestationTrusted: boolean;
  /** The attestation certificates, leaf first (DER); empty when none. */
  readonly trustPath: Uint8Array[];
  /** The UV flag. */
  readonly userVerified: boolean;
  /** The UP flag. */
  readonly userPresent: boolean;
  /** The BE flag. */
  readonly backupEligible: boolean;
  /** The BS flag. */
  readonly backedUp: boolean;
  /** The RP ID that matched. */
  readonly rpID: string;
  /** The origin from clientDataJSON. */
  readonly origin: string;
  /** The credential's COSE algorithm. */
  readonly credentialAlg: number;
  /** Authenticator extension outputs (decoded CBOR map), when the ED flag was set. */
  readonly authenticatorExtensions?: ReadonlyMap<unknown, unknown>;
}

function optionsError(message: string): WebAuthnError {
  return new WebAuthnError('ERR_BAD_OPTIONS', message);
}

/**
 * Verifies a registration ceremony (WebAuthn L3 §7.1) and returns the credential to store.
 *
 * @param options - The response and what the relying party expects of it.
 * @returns The verified registration.
 * @throws {@link WebAuthnError} `ERR_BAD_OPTIONS` for invalid options; `ERR_MALFORMED` for an
 * unparsable response; `ERR_TYPE_MISMATCH`, `ERR_CHALLENGE_MISMATCH`, `ERR_ORIGIN_MISMATCH`,
 * `ERR_CROSS_ORIGIN`, `ERR_RPID_MISMATCH`, `ERR_USER_NOT_PRESENT`, `ERR_USER_NOT_VERIFIED`,
 * `ERR_BACKUP_FLAGS`, `ERR_CREDENTIAL_MISMATCH`, `ERR_UNSUPPORTED_ALG` for the failed check;
 * `ERR_ATTESTATION`, `ERR_ATTESTATION_UNTRUSTED`, `ERR_METADATA` from attestation and trust.
 * @example
 * ```ts
 * const { credential, attestationTrusted } = await verifyRegistrationResponse({
 *   response: body,
 *   expectedChallenge: session.challenge,
 *   expectedOrigin: 'https://example.com',
 *   expectedRPID: 'example.com',
 * });
 * await db.saveCredential(user.id, credential);
 * ```
 */
export async function verifyRegistrationResponse(
  options: VerifyRegistrationResponseOptions,
): Promise<VerifiedRegistration> {
  return guardAsync('registration response could not be processed', () => verify(options));
}

async function verify(options: VerifyRegistrationResponseOptions): Promise<VerifiedRegistration> {
  const { origins, rpIds, requireUV, requireUP, allowCrossOrigin, topOrigins } = checkExpectations(options);
  const algs = options.supportedAlgorithms ?? DEFAULT_SUPPORTED_ALGORITHMS;
  if (!Array.isArray(algs) || algs.length === 0 || algs.some((a) => !Number.isInteger(a)))
    throw optionsError('supportedAlgorithms must be a non-empty array of COSE algorithm integers');
  const policy = options.attestation;
  if (policy !== undefined && (typeof policy !== 'object' || policy === null))
    throw optionsError('attestation must be an object');
  const now = policy?.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw optionsError('attestation.now must be a valid Date');

  // §7.1 steps 1-6: the response and clientDataJSON.
  const response = objectField(options.response, 'response');
  const rawId = credentialIdOf(response);
  const inner = objectField(response.response, 'response.response');
  const clientDataJSON = decodeB64url(inner.clientDataJSON, 'response.response.clientDataJSON');
  const attestationObject = decodeB64url(inner.attestationObject, 'response.response.attestationObject');
  const client = parseClientData(clientDataJSON);
  // Steps 7-10: type, challenge, origin, cross-origin.
  if (client.type !== 'webauthn.create')
    throw fail('ERR_TYPE_MISMATCH', `clientDataJSON.type must be "webauthn.create", found "${client.type}"`);
  const pending = checkChallenge(options.expectedChallenge, client.challenge);
  if (pending) await pending;
  const origin = checkOrigin(client, { origins, allowCrossOrigin, topOrigins });
  // Step 11: hash of clientDataJSON (noble: synchronous), computed when a format first reads it
  // (`none` never does).
  let clientDataHash: Uint8Array | undefined;
  // Step 12: decode the attestation object.
  // The layout browsers send is split without the general decoder; anything else goes through it.
  let fmt: unknown;
  let attStmt: unknown;
  let authDataBytes: unknown;
  const parts = splitAttestationObject(attestationObject);
  if (parts) ({ fmt, attStmt, authData: authDataBytes } = parts);
  else {
    const ao = cborDecode(attestationObject);
    if (!(ao instanceof Map)) throw malformed('attestationObject must be a CBOR map');
    fmt = ao.get('fmt');
    attStmt = ao.get('attStmt');
    authDataBytes = ao.get('authData');
  }
  if (typeof fmt !== 'string') throw malformed('attestationObject.fmt must be a text string');
  if (!(attStmt instanceof Map)) throw malformed('attestationObject.attStmt must be a map');
  if (!(authDataBytes instanceof Uint8Array)) throw malformed('attestationObject.authData must be a byte string');
  const authData = parseAuthenticatorData(authDataBytes);
  // Step 13: rpIdHash.
  const rpID = matchRpId(authData.rpIdHash, rpIds);
  if (rpID === undefined)
    throw fail('ERR_RPID_MISMATCH', `rpIdHash matches none of the expected RP IDs (${rpIds.join(', ')})`);
  // Steps 14-17: flags.
  checkFlags(authData, requireUP, requireUV);
  const acd = authData.attestedCredentialData;
  if (!acd) throw malformed('authenticatorData has no attested credential data (AT flag not set)');
  if (!equalBytes(acd.credentialId, rawId))
    throw fail('ERR_CREDENTIAL_MISMATCH', 'response.id differs from the credential ID in authenticatorData');
  // Steps 18-19: the credential key and its algorithm.
  const keyMap = acd.publicKeyMap;
  const alg = keyMap instanceof Map ? keyMap.get(3) : undefined;
  if (typeof alg !== 'number') throw malformed('credential public key has no integer alg (label 3)');
  if (!algs.includes(alg))
    throw fail(
      'ERR_UNSUPPORTED_ALG',
      `credential alg ${alg} is not one of the supported algorithms (${algs.join(', ')})`,
    );
  const credentialKey = coseKeyFromMap(keyMap);
  // Steps 20-21: the attestation statement format.
  const verifier = ATTESTATION_FORMATS.get(fmt);
  if (!verifier) throw fail('ERR_ATTESTATION', `unsupported attestation statement format "${fmt}"`);
  const aaguid = formatAaguid(acd.aaguid);
  // `none` is checked synchronously (no promise for the most common format).
  const attestation =
    fmt === 'none'
      ? checkNoneStatement(attStmt)
      : await verifier({
          attStmt,
          authData: authDataBytes,
          get clientDataHash(): Uint8Array {
            clientDataHash ??= sha256(clientDataJSON);
            return clientDataHash;
          },
          aaguid: acd.aaguid,
          credentialId: acd.credentialId,
          credentialPublicKey: acd.publicKeyBytes,
          credentialAlg: alg,
          credentialKey,
          now,
        });
  // Steps 22-23: trust.
  // Step 23 for `none` needs no path work: answer without a promise.
  const { attestationTrusted } =
    attestation.attestationType === 'none' && policy === undefined
      ? { attestationTrusted: false }
      : await evaluateTrust(attestation, aaguid, policy, now);
  const transports =
    Array.isArray(inner.transports) && inner.transports.every((t) => typeof t === 'string')
      ? [...(inner.transports as string[])]
      : undefined;
  const credential: RegisteredCredential = {
    id: bytesToBase64url(acd.credentialId),
    publicKey: acd.publicKeyBytes.slice(),
    signCount: authData.signCount,
    ...(transports ? { transports } : {}),
  };
  return {
    credential,
    fmt,
    aaguid,
    attestationType: attestation.attestationType,
    attestationTrusted,
    trustPath: attestation.trustPath,
    userVerified: authData.uv,
    userPresent: authData.up,
    backupEligible: authData.be,
    backedUp: authData.bs,
    rpID,
    origin,
    credentialAlg: alg,
    ...(authData.extensions ? { authenticatorExtensions: authData.extensions } : {}),
  };
}
