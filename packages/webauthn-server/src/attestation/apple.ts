/**
 * The `apple` anonymous attestation statement format (WebAuthn L3 §8.8): Apple's anonymization CA
 * issues a certificate for the credential key whose nonce extension binds it to this registration.
 */
import { equalBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { children, expectTlv, value } from '../internal/der.ts';
import { fail, guard, malformed } from '../internal/errors.ts';
import { parseCertificateCached } from '../x509/cache.ts';
import { checkCertificateHoldsCredentialKey } from './android-credential-key.ts';
import { signedData, stmtX5c } from './statement.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

/** Apple's nonce extension in the credential certificate. */
const APPLE_NONCE_EXTENSION_OID = '1.2.840.113635.100.8.2';

/** Reads `SEQUENCE { [1] EXPLICIT OCTET STRING nonce }`. */
function readNonce(der: Uint8Array): Uint8Array {
  return guard('apple: nonce extension', () => {
    const seq = expectTlv(der, 0, 0x30, 'apple nonce extension');
    if (seq.end !== der.length) throw malformed('apple: nonce extension has trailing bytes');
    const tagged = children(der, seq).find((item) => item.tag === 0xa1);
    if (tagged === undefined) throw malformed('apple: nonce extension lacks its [1] element');
    const octets = expectTlv(der, tagged.valueStart, 0x04, 'apple nonce', tagged.end);
    if (octets.end !== tagged.end) throw malformed('apple: nonce element has trailing bytes');
    return value(der, octets);
  });
}

/**
 * Verifies an `apple` attestation statement (WebAuthn L3 §8.8.2).
 *
 * Checks: the credential certificate (first in `x5c`) carries the extension
 * 1.2.840.113635.100.8.2 whose nonce is `SHA-256(authData || clientDataHash)`, and its public key
 * is the credential public key. Chain validation (Apple WebAuthn Root CA) happens afterwards in the
 * trust step.
 *
 * @param input - The statement and the registration data it binds.
 * @returns `attestationType: 'anonca'` and the `x5c` chain (leaf first).
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for a certificate or nonce extension that does not
 * parse; `ERR_ATTESTATION` for a missing `x5c`, a missing or different nonce or a different public key.
 * @example
 * ```ts
 * const { attestationType } = await verifyApple(input); // 'anonca'
 * ```
 */
export const verifyApple: AttestationFormatVerifier = async (
  input: AttestationFormatInput,
): Promise<AttestationFormatResult> => {
  const { attStmt } = input;
  const x5c = stmtX5c(attStmt, 'apple');
  if (x5c === undefined) throw fail('ERR_ATTESTATION', 'apple: attStmt.x5c is missing');
  const credCert = parseCertificateCached(x5c[0] as Uint8Array);

  // §8.8.2: nonce = SHA-256(authenticatorData || clientDataHash), found in the certificate extension.
  const nonceToHash = signedData(input.authData, input.clientDataHash);
  const extension = credCert.extensions.get(APPLE_NONCE_EXTENSION_OID);
  if (extension === undefined)
    throw fail(
      'ERR_ATTESTATION',
      `apple: the credential certificate has no nonce extension (${APPLE_NONCE_EXTENSION_OID})`,
    );
  if (!equalBytes(readNonce(extension.value), sha256(nonceToHash))) {
    throw fail('ERR_ATTESTATION', 'apple: the certificate nonce is not SHA-256(authData || clientDataHash)');
  }
  // §8.8.2: the credential public key equals the Subject Public Key of credCert.
  checkCertificateHoldsCredentialKey(credCert.spki, input.credentialPublicKey, 'apple');
  return { attestationType: 'anonca', trustPath: x5c };
};
