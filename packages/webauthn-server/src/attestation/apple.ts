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

/**
 * Apple WebAuthn Root CA (P-384, valid 2020-03-18 to 2045-03-15, SHA-256 fingerprint
 * 09:15:DD:5C:07:A2:8D:B5:49:D1:F6:77:BB:5A:75:D4:BF:BE:95:61:A7:73:42:43:27:76:2E:9E:02:F9:BB:29):
 * the anchor of every `apple` attestation chain. Pass it in `attestation.trustAnchors` to have
 * `apple` attestations reported as trusted.
 *
 * @example
 * ```ts
 * await verifyRegistrationResponse({ ...options, attestation: { trustAnchors: [APPLE_WEBAUTHN_ROOT_CERTIFICATE] } });
 * ```
 */
export const APPLE_WEBAUTHN_ROOT_CERTIFICATE: string = `-----BEGIN CERTIFICATE-----
MIICEjCCAZmgAwIBAgIQaB0BbHo84wIlpQGUKEdXcTAKBggqhkjOPQQDAzBLMR8w
HQYDVQQDDBZBcHBsZSBXZWJBdXRobiBSb290IENBMRMwEQYDVQQKDApBcHBsZSBJ
bmMuMRMwEQYDVQQIDApDYWxpZm9ybmlhMB4XDTIwMDMxODE4MjEzMloXDTQ1MDMx
NTAwMDAwMFowSzEfMB0GA1UEAwwWQXBwbGUgV2ViQXV0aG4gUm9vdCBDQTETMBEG
A1UECgwKQXBwbGUgSW5jLjETMBEGA1UECAwKQ2FsaWZvcm5pYTB2MBAGByqGSM49
AgEGBSuBBAAiA2IABCJCQ2pTVhzjl4Wo6IhHtMSAzO2cv+H9DQKev3//fG59G11k
xu9eI0/7o6V5uShBpe1u6l6mS19S1FEh6yGljnZAJ+2GNP1mi/YK2kSXIuTHjxA/
pcoRf7XkOtO4o1qlcaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUJtdk
2cV4wlpn0afeaxLQG2PxxtcwDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMDA2cA
MGQCMFrZ+9DsJ1PW9hfNdBywZDsWDbWFp28it1d/5w2RPkRX3Bbn/UbDTNLx7Jr3
jAGGiQIwHFj+dJZYUJR786osByBelJYsVZd2GbHQu209b5RCmGQ21gpSAk9QZW4B
1bWeT0vT
-----END CERTIFICATE-----
`;

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
  checkCertificateHoldsCredentialKey(credCert.spki, input.credentialPublicKey, input.credentialKey, 'apple');
  return { attestationType: 'anonca', trustPath: x5c };
};
