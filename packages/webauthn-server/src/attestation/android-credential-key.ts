/**
 * "The public key in the first certificate in x5c matches the credentialPublicKey" (WebAuthn L3
 * §8.4.2, §8.8.2): compared as key material (curve and point, or modulus and exponent), not as
 * encodings. Shared by `android-key` and `apple`. Not public.
 */
import { equalBytes } from '@keyward/internal';
import { type CoseKey, parseCoseKey } from '../cose/key.ts';
import { materialOfCoseKey, type PublicKeyMaterial, parseSpki } from '../crypto/verify.ts';
import { fail } from '../internal/errors.ts';

function sameMaterial(a: PublicKeyMaterial, b: PublicKeyMaterial): boolean {
  if (a.type === 'ec' && b.type === 'ec') return a.crv === b.crv && equalBytes(a.point, b.point);
  if (a.type === 'okp' && b.type === 'okp') return a.crv === b.crv && equalBytes(a.x, b.x);
  if (a.type === 'rsa' && b.type === 'rsa') return equalBytes(a.n, b.n) && equalBytes(a.e, b.e);
  return false;
}

/**
 * Checks that a certificate's SubjectPublicKeyInfo holds the credential public key.
 *
 * @param spki - The leaf certificate's SubjectPublicKeyInfo DER.
 * @param credentialPublicKey - The COSE_Key bytes from authData.
 * @param credentialKey - The same key already parsed by the pipeline, when it is.
 * @throws `ERR_ATTESTATION` when they differ; `ERR_MALFORMED` / `ERR_UNSUPPORTED_ALG` when either
 * key does not parse.
 */
export function checkCertificateHoldsCredentialKey(
  spki: Uint8Array,
  credentialPublicKey: Uint8Array,
  credentialKey: CoseKey | undefined,
  format: string,
): void {
  const certKey = parseSpki(spki);
  const material = materialOfCoseKey(credentialKey ?? parseCoseKey(credentialPublicKey));
  if (!sameMaterial(certKey, material)) {
    throw fail('ERR_ATTESTATION', `${format}: the leaf certificate's public key is not the credential public key`);
  }
}
