/**
 * The `tpm` attestation statement format (WebAuthn L3 §8.3): a TPM 2.0 `TPM2_Certify` of the
 * credential key (`certInfo` over `pubArea`), signed by an attestation identity key (AIK) whose
 * certificate comes from an attestation CA.
 */
import { equalBytes } from '@keyward/internal';
import type { CoseKey } from '../cose/key.ts';
import { parseCoseKey } from '../cose/key.ts';
import { digest, type HashName, schemeOfCoseAlg, verifyWithSpki } from '../crypto/verify.ts';
import { isWebAuthnError } from '../errors.ts';
import { fail, malformed } from '../internal/errors.ts';
import { parseCertificateCached } from '../x509/cache.ts';
import { signedData, stmtBytes, stmtInt, stmtX5c } from './statement.ts';
import { checkAaguidExtension, checkAikCertificate } from './tpm-aik-certificate.ts';
import { TPM_ALG, TPM_ECC_CURVE_TO_COSE_CRV, TPM_GENERATED_VALUE, TPM_ST_ATTEST_CERTIFY } from './tpm-constants.ts';
import { parseCertInfo, parsePubArea, type TpmPubArea } from './tpm-structures.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

const NAME_ALG_HASH: ReadonlyMap<number, HashName> = /* @__PURE__ */ new Map([
  [TPM_ALG.SHA1, 'SHA-1'],
  [TPM_ALG.SHA256, 'SHA-256'],
  [TPM_ALG.SHA384, 'SHA-384'],
  [TPM_ALG.SHA512, 'SHA-512'],
]);

/** Big-endian unsigned integers compared by value (leading zero bytes ignored). */
function sameUnsigned(a: Uint8Array, b: Uint8Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && a[i] === 0) i++;
  while (j < b.length && b[j] === 0) j++;
  return equalBytes(a.subarray(i), b.subarray(j));
}

/** The exponent bytes of a COSE RSA key as a number (at most 2^53 - 1, else `undefined`). */
function exponentOf(e: Uint8Array): number | undefined {
  if (e.length > 6) return undefined;
  let value = 0;
  for (const byte of e) value = value * 256 + byte;
  return value;
}

/** §8.3.2: "the parameters and unique fields of pubArea" must describe the credential public key. */
function checkPubAreaMatchesKey(pubArea: TpmPubArea, key: CoseKey): void {
  const { parameters, unique } = pubArea;
  if (parameters.type === 'rsa' && 'n' in unique) {
    if (key.kty !== 3)
      throw fail('ERR_ATTESTATION', `tpm: pubArea holds an RSA key, the credential key has kty ${key.kty}`);
    if (!sameUnsigned(unique.n, key.n))
      throw fail('ERR_ATTESTATION', 'tpm: pubArea.unique (RSA modulus) differs from the credential key');
    if (parameters.keyBits !== unique.n.length * 8) {
      throw fail(
        'ERR_ATTESTATION',
        `tpm: pubArea keyBits ${parameters.keyBits} disagrees with a ${unique.n.length}-byte modulus`,
      );
    }
    if (exponentOf(key.e) !== parameters.exponent) {
      throw fail('ERR_ATTESTATION', `tpm: pubArea exponent ${parameters.exponent} differs from the credential key's`);
    }
    return;
  }
  if (parameters.type === 'ecc' && 'x' in unique) {
    if (key.kty !== 2)
      throw fail('ERR_ATTESTATION', `tpm: pubArea holds an ECC key, the credential key has kty ${key.kty}`);
    const crv = TPM_ECC_CURVE_TO_COSE_CRV.get(parameters.curveId);
    if (crv === undefined || crv !== key.crv) {
      throw fail(
        'ERR_ATTESTATION',
        `tpm: pubArea curve 0x${parameters.curveId.toString(16)} does not match credential curve ${key.crv}`,
      );
    }
    if (!sameUnsigned(unique.x, key.x) || !sameUnsigned(unique.y, key.y)) {
      throw fail('ERR_ATTESTATION', 'tpm: pubArea.unique (ECC point) differs from the credential key');
    }
    return;
  }
  throw malformed('tpm: pubArea parameters and unique disagree on the key type');
}

/**
 * Verifies a `tpm` attestation statement (WebAuthn L3 §8.3.2 verification procedure).
 *
 * Checks: `ver` is `"2.0"`; `pubArea` describes the credential public key (RSA modulus and
 * exponent, or ECC curve and point); `certInfo` is a `TPM_GENERATED_VALUE` / `TPM_ST_ATTEST_CERTIFY`
 * structure whose `extraData` is the `alg` hash of `authData || clientDataHash` and whose attested
 * name is `nameAlg || H(pubArea)`; `sig` is the AIK's signature over `certInfo` under `alg`
 * (RS1 included); the AIK certificate meets §8.3.1 and, when it carries the FIDO AAGUID extension,
 * names the authenticator data's AAGUID. Chain validation to trust anchors happens afterwards in
 * the shared trust step.
 *
 * @param input - The statement and the registration data it signs.
 * @returns `attestationType: 'attca'` and the `x5c` chain (leaf first) as the trust path.
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for TPM structures or a certificate that do not
 * parse; `ERR_ATTESTATION` for missing or mistyped statement members, an `alg` this package cannot
 * verify with the AIK key, and any failed check.
 * @example
 * ```ts
 * const { attestationType, trustPath } = await verifyTpm(input); // 'attca', [aikCert, ...]
 * ```
 */
export const verifyTpm: AttestationFormatVerifier = async (
  input: AttestationFormatInput,
): Promise<AttestationFormatResult> => {
  const { attStmt } = input;
  const ver = attStmt.get('ver');
  if (ver !== '2.0')
    throw fail('ERR_ATTESTATION', `tpm: expected ver "2.0", found ${JSON.stringify(ver) ?? 'nothing'}`);
  const alg = stmtInt(attStmt, 'alg', 'tpm');
  if (attStmt.has('ecdaaKeyId'))
    throw fail('ERR_ATTESTATION', 'tpm: ECDAA attestation is not supported (removed in WebAuthn L2)');
  const sig = stmtBytes(attStmt, 'sig', 'tpm');
  const certInfoBytes = stmtBytes(attStmt, 'certInfo', 'tpm');
  const pubAreaBytes = stmtBytes(attStmt, 'pubArea', 'tpm');
  const x5c = stmtX5c(attStmt, 'tpm');
  if (x5c === undefined) throw fail('ERR_ATTESTATION', 'tpm: attStmt.x5c is missing (ECDAA is not supported)');
  const scheme = schemeOfCoseAlg(alg);
  if (scheme === undefined || scheme.type === 'eddsa')
    throw fail('ERR_ATTESTATION', `tpm: alg ${alg} is not a signature algorithm this verifier supports`);

  // §8.3.2: pubArea must describe credentialPublicKey.
  const pubArea = parsePubArea(pubAreaBytes);
  checkPubAreaMatchesKey(pubArea, input.credentialKey ?? parseCoseKey(input.credentialPublicKey));

  // §8.3.2: certInfo checks.
  const certInfo = parseCertInfo(certInfoBytes);
  if (certInfo.magic !== TPM_GENERATED_VALUE) {
    throw fail(
      'ERR_ATTESTATION',
      `tpm: certInfo.magic must be TPM_GENERATED_VALUE, found 0x${certInfo.magic.toString(16)}`,
    );
  }
  if (certInfo.type !== TPM_ST_ATTEST_CERTIFY) {
    throw fail(
      'ERR_ATTESTATION',
      `tpm: certInfo.type must be TPM_ST_ATTEST_CERTIFY, found 0x${certInfo.type.toString(16)}`,
    );
  }
  // extraData = hash of attToBeSigned (authData || clientDataHash), with the hash of "alg".
  if (!equalBytes(certInfo.extraData, digest(scheme.hash, signedData(input.authData, input.clientDataHash)))) {
    throw fail('ERR_ATTESTATION', 'tpm: certInfo.extraData is not the hash of authData || clientDataHash');
  }
  // attested.name = nameAlg (2 bytes) || H_nameAlg(pubArea) (TPM 2.0 Part 1 §16).
  const nameHash = NAME_ALG_HASH.get(pubArea.nameAlg);
  if (nameHash === undefined)
    throw fail('ERR_ATTESTATION', `tpm: pubArea.nameAlg 0x${pubArea.nameAlg.toString(16)} is not supported`);
  const name = certInfo.attestedName;
  const expectedName = digest(nameHash, pubAreaBytes);
  if (name.length !== 2 + expectedName.length || ((name[0] as number) << 8) + (name[1] as number) !== pubArea.nameAlg) {
    throw fail('ERR_ATTESTATION', 'tpm: certInfo.attested.name does not use pubArea.nameAlg');
  }
  if (!equalBytes(name.subarray(2), expectedName))
    throw fail('ERR_ATTESTATION', 'tpm: certInfo.attested.name is not the name of pubArea');

  // §8.3.2: x5c present: sig over certInfo by the AIK certificate's key, under alg.
  const aik = parseCertificateCached(x5c[0] as Uint8Array);
  let valid: boolean;
  try {
    valid = await verifyWithSpki(aik.spki, alg, certInfoBytes, sig);
  } catch (cause) {
    if (isWebAuthnError(cause) && cause.code === 'ERR_MALFORMED') throw cause;
    throw fail('ERR_ATTESTATION', `tpm: cannot verify alg ${alg} with the AIK certificate's key`, cause);
  }
  if (!valid) {
    throw fail('ERR_ATTESTATION', 'tpm: sig is not a valid signature of certInfo by the AIK certificate');
  }
  checkAikCertificate(aik);
  checkAaguidExtension(aik, input.aaguid, 'tpm');
  return { attestationType: 'attca', trustPath: x5c };
};
