/** The `packed` attestation statement format (WebAuthn L3 §8.2). */
import { equalBytes } from '@keyward/internal';
import { parseCoseKey } from '../cose/key.ts';
import { verifyWithCoseKey, verifyWithSpki } from '../crypto/verify.ts';
import { isWebAuthnError } from '../errors.ts';
import { expectTlv, value } from '../internal/der.ts';
import { fail } from '../internal/errors.ts';
import { parseCertificateCached } from '../x509/cache.ts';
import { NAME_OID, type ParsedCertificate } from '../x509/certificate.ts';
import { signedData, stmtBytes, stmtInt, stmtX5c } from './statement.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

/** id-fido-gen-ce-aaguid: the AAGUID certificate extension. */
export const OID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

/**
 * Checks the id-fido-gen-ce-aaguid extension when present: not critical, an OCTET STRING of the
 * authData AAGUID.
 *
 * @throws `ERR_ATTESTATION` on a mismatch.
 */
export function checkAaguidExtension(cert: ParsedCertificate, aaguid: Uint8Array, fmt: string): void {
  const ext = cert.extensions.get(OID_FIDO_GEN_CE_AAGUID);
  if (!ext) return;
  if (ext.critical) throw fail('ERR_ATTESTATION', `${fmt}: the AAGUID extension must not be critical`);
  let inner: Uint8Array;
  try {
    inner = value(ext.value, expectTlv(ext.value, 0, 0x04, 'AAGUID extension'));
  } catch (cause) {
    throw fail('ERR_ATTESTATION', `${fmt}: the AAGUID extension is not an OCTET STRING`, cause);
  }
  if (!equalBytes(inner, aaguid))
    throw fail(
      'ERR_ATTESTATION',
      `${fmt}: the certificate's AAGUID extension differs from the authenticator data's AAGUID`,
    );
}

/** WebAuthn L3 §8.2.1 packed attestation certificate requirements. */
function checkPackedCertificate(cert: ParsedCertificate, aaguid: Uint8Array): void {
  if (cert.version !== 3)
    throw fail('ERR_ATTESTATION', `packed: attestation certificate must be X.509 v3, found v${cert.version}`);
  const attr = (type: string): string | undefined => cert.subject.find((a) => a.type === type)?.value;
  const country = attr(NAME_OID.C);
  if (!country || !/^[A-Za-z]{2}$/.test(country))
    throw fail('ERR_ATTESTATION', 'packed: certificate subject C must be an ISO 3166 code');
  if (!attr(NAME_OID.O)) throw fail('ERR_ATTESTATION', 'packed: certificate subject O is missing');
  if (attr(NAME_OID.OU) !== 'Authenticator Attestation')
    throw fail(
      'ERR_ATTESTATION',
      `packed: certificate subject OU must be "Authenticator Attestation", found "${attr(NAME_OID.OU) ?? ''}"`,
    );
  if (!attr(NAME_OID.CN)) throw fail('ERR_ATTESTATION', 'packed: certificate subject CN is missing');
  if (cert.basicConstraints?.cA === true)
    throw fail('ERR_ATTESTATION', 'packed: attestation certificate must not be a CA');
  checkAaguidExtension(cert, aaguid, 'packed');
}

/**
 * Verifies a `packed` statement: full attestation (x5c) or self attestation.
 *
 * @param input - The format inputs.
 * @returns `basic` with the x5c trust path, or `self` with an empty one.
 * @throws {@link WebAuthnError} `ERR_ATTESTATION` for a bad signature, certificate or statement;
 * `ERR_MALFORMED` for an unparsable certificate.
 */
export const verifyPacked: AttestationFormatVerifier = async (
  input: AttestationFormatInput,
): Promise<AttestationFormatResult> => {
  const { attStmt } = input;
  const alg = stmtInt(attStmt, 'alg', 'packed');
  const sig = stmtBytes(attStmt, 'sig', 'packed');
  if (attStmt.has('ecdaaKeyId')) throw fail('ERR_ATTESTATION', 'packed: ECDAA attestation is not supported');
  const x5c = stmtX5c(attStmt, 'packed');
  const data = signedData(input.authData, input.clientDataHash);
  let ok: boolean;
  if (x5c) {
    const leaf = parseCertificateCached(x5c[0] as Uint8Array);
    checkPackedCertificate(leaf, input.aaguid);
    try {
      ok = await verifyWithSpki(leaf.spki, alg, data, sig);
    } catch (cause) {
      if (isWebAuthnError(cause) && cause.code === 'ERR_MALFORMED') throw cause;
      throw fail('ERR_ATTESTATION', `packed: cannot verify alg ${alg} with the attestation certificate's key`, cause);
    }
    if (!ok)
      throw fail('ERR_ATTESTATION', 'packed: the attestation signature does not verify with the certificate key');
    return { attestationType: 'basic', trustPath: x5c };
  }
  // Self attestation (§8.2 step "If x5c is not present"): alg must be the credential key's.
  if (alg !== input.credentialAlg)
    throw fail(
      'ERR_ATTESTATION',
      `packed: self attestation alg ${alg} differs from the credential alg ${input.credentialAlg}`,
    );
  // A new credential key is seen once: do not let it push batch keys out of the cache.
  ok = await verifyWithCoseKey(input.credentialKey ?? parseCoseKey(input.credentialPublicKey), data, sig, false);
  if (!ok)
    throw fail('ERR_ATTESTATION', 'packed: the self-attestation signature does not verify with the credential key');
  return { attestationType: 'self', trustPath: [] };
};
