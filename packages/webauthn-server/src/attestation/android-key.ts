/**
 * The `android-key` attestation statement format (WebAuthn L3 §8.4): a credential key generated in
 * Android Keystore, whose attestation certificate carries a key description naming the
 * registration's clientDataHash as its challenge.
 */
import { equalBytes } from '@keyward/internal';
import { verifyWithSpki } from '../crypto/verify.ts';
import { isWebAuthnError } from '../errors.ts';
import { fail } from '../internal/errors.ts';
import { parseCertificateCached } from '../x509/cache.ts';
import { checkCertificateHoldsCredentialKey } from './android-credential-key.ts';
import {
  ANDROID_KEY_DESCRIPTION_OID,
  KM_ORIGIN_GENERATED,
  KM_PURPOSE_SIGN,
  KM_PURPOSE_VERIFY,
  parseAndroidKeyDescription,
} from './android-key-description.ts';
import { signedData, stmtBytes, stmtInt, stmtX5c } from './statement.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

/** Options of {@link createAndroidKeyVerifier}. */
export interface AndroidKeyVerifierOptions {
  /**
   * Accept keys whose origin and purpose are only software-enforced: the checks then use the union
   * of `teeEnforced` and `softwareEnforced` (WebAuthn L3 §8.4.2 leaves this choice to the RP).
   * Keep it off to accept only keys held in a trusted execution environment or StrongBox.
   *
   * @defaultValue false
   */
  readonly allowSoftwareEnforced?: boolean;
}

async function verify(input: AttestationFormatInput, allowSoftwareEnforced: boolean): Promise<AttestationFormatResult> {
  const { attStmt } = input;
  const alg = stmtInt(attStmt, 'alg', 'android-key');
  const sig = stmtBytes(attStmt, 'sig', 'android-key');
  const x5c = stmtX5c(attStmt, 'android-key');
  if (x5c === undefined) throw fail('ERR_ATTESTATION', 'android-key: attStmt.x5c is missing');
  const leaf = parseCertificateCached(x5c[0] as Uint8Array);

  // §8.4.2: sig over authenticatorData || clientDataHash with the leaf key and alg.
  let valid: boolean;
  try {
    valid = await verifyWithSpki(leaf.spki, alg, signedData(input.authData, input.clientDataHash), sig);
  } catch (cause) {
    if (isWebAuthnError(cause) && cause.code === 'ERR_MALFORMED') throw cause;
    throw fail(
      'ERR_ATTESTATION',
      `android-key: cannot verify alg ${alg} with the attestation certificate's key`,
      cause,
    );
  }
  if (!valid) throw fail('ERR_ATTESTATION', 'android-key: sig is not a valid signature by the attestation certificate');
  // §8.4.2: the leaf's public key is the credential public key.
  checkCertificateHoldsCredentialKey(leaf.spki, input.credentialPublicKey, input.credentialKey, 'android-key');

  const extension = leaf.extensions.get(ANDROID_KEY_DESCRIPTION_OID);
  if (extension === undefined)
    throw fail('ERR_ATTESTATION', 'android-key: the certificate has no key description extension');
  const description = parseAndroidKeyDescription(extension.value);
  // §8.4.2: attestationChallenge is clientDataHash.
  if (!equalBytes(description.attestationChallenge, input.clientDataHash)) {
    throw fail('ERR_ATTESTATION', 'android-key: attestationChallenge is not the clientDataHash');
  }
  const { teeEnforced, softwareEnforced } = description;
  // §8.4.2: allApplications absent from both lists: the key must be scoped to the RP.
  if (teeEnforced.allApplications || softwareEnforced.allApplications) {
    throw fail('ERR_ATTESTATION', 'android-key: the key is usable by all applications (allApplications present)');
  }
  // §8.4.2: origin is KM_ORIGIN_GENERATED and purpose is KM_PURPOSE_SIGN, in teeEnforced (or in the
  // union of both lists when software keys are allowed).
  const where = allowSoftwareEnforced ? '' : ' in teeEnforced';
  const origins = [teeEnforced.origin, ...(allowSoftwareEnforced ? [softwareEnforced.origin] : [])].filter(
    (o) => o !== undefined,
  );
  if (origins.length === 0 || origins.some((o) => o !== KM_ORIGIN_GENERATED)) {
    throw fail(
      'ERR_ATTESTATION',
      `android-key: key origin must be GENERATED (0)${where}, found [${origins.join(', ')}]`,
    );
  }
  const purposes = allowSoftwareEnforced ? [...teeEnforced.purpose, ...softwareEnforced.purpose] : teeEnforced.purpose;
  // VERIFY (3) next to SIGN is tolerated: it grants nothing for an asymmetric private key.
  if (!purposes.includes(KM_PURPOSE_SIGN) || purposes.some((p) => p !== KM_PURPOSE_SIGN && p !== KM_PURPOSE_VERIFY)) {
    throw fail('ERR_ATTESTATION', `android-key: key purpose must be SIGN (2)${where}, found [${purposes.join(', ')}]`);
  }
  return { attestationType: 'basic', trustPath: x5c };
}

/**
 * Builds an `android-key` verifier with a chosen policy for software-enforced keys.
 *
 * @param options - Whether software-enforced key properties are acceptable.
 * @returns A verifier for the `android-key` format.
 * @example
 * ```ts
 * const verifyLenient = createAndroidKeyVerifier({ allowSoftwareEnforced: true });
 * ```
 */
export function createAndroidKeyVerifier(options: AndroidKeyVerifierOptions = {}): AttestationFormatVerifier {
  const allowSoftwareEnforced = options.allowSoftwareEnforced === true;
  return (input) => verify(input, allowSoftwareEnforced);
}

/**
 * Verifies an `android-key` attestation statement (WebAuthn L3 §8.4.2), requiring the key's origin
 * and purpose to be enforced by the TEE (or StrongBox).
 *
 * Checks: `sig` over `authData || clientDataHash` by the leaf certificate's key under `alg`; the
 * leaf's public key is the credential public key; the key description extension
 * (1.3.6.1.4.1.11129.2.1.17) has `attestationChallenge == clientDataHash`, no `allApplications`
 * in either authorization list, and `origin = GENERATED` and `purpose = SIGN` in `teeEnforced` (VERIFY is tolerated beside SIGN,
 * any other purpose is refused).
 * Chain validation (Google's hardware attestation roots) happens afterwards in the trust step.
 *
 * @param input - The statement and the registration data it signs.
 * @returns `attestationType: 'basic'` and the `x5c` chain (leaf first).
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for a certificate or key description that does not
 * parse; `ERR_ATTESTATION` for missing or mistyped statement members, an `alg` that does not fit
 * the leaf key, and any failed check.
 * @example
 * ```ts
 * const { attestationType } = await verifyAndroidKey(input); // 'basic'
 * ```
 */
export const verifyAndroidKey: AttestationFormatVerifier = createAndroidKeyVerifier();
