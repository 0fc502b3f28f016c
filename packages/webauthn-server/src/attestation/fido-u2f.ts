/** The `fido-u2f` attestation statement format (WebAuthn L3 §8.6). */
import { COSE_ALG } from '../cose/constants.ts';
import { parseCoseKey } from '../cose/key.ts';
import { parseSpki, verifySignature } from '../crypto/verify.ts';
import { fail } from '../internal/errors.ts';
import { parseCertificateCached } from '../x509/cache.ts';
import { stmtBytes, stmtX5c } from './statement.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

/**
 * Verifies a `fido-u2f` statement: one P-256 attestation certificate whose key signed
 * `0x00 || rpIdHash || clientDataHash || credentialId || publicKeyU2F`.
 *
 * @param input - The format inputs.
 * @returns `basic` with the one-certificate trust path.
 * @throws {@link WebAuthnError} `ERR_ATTESTATION` for a bad statement, key type or signature.
 */
export const verifyFidoU2f: AttestationFormatVerifier = async (
  input: AttestationFormatInput,
): Promise<AttestationFormatResult> => {
  const sig = stmtBytes(input.attStmt, 'sig', 'fido-u2f');
  const x5c = stmtX5c(input.attStmt, 'fido-u2f');
  if (x5c?.length !== 1) throw fail('ERR_ATTESTATION', 'fido-u2f: attStmt.x5c must hold exactly one certificate');
  const cert = parseCertificateCached(x5c[0] as Uint8Array);
  const certKey = parseSpki(cert.spki);
  if (certKey.type !== 'ec' || certKey.crv !== 1)
    throw fail('ERR_ATTESTATION', 'fido-u2f: the attestation certificate key must be P-256');
  const key = input.credentialKey ?? parseCoseKey(input.credentialPublicKey);
  if (key.kty !== 2 || key.alg !== COSE_ALG.ES256)
    throw fail('ERR_ATTESTATION', 'fido-u2f: the credential key must be an ES256 P-256 key');
  const rpIdHash = input.authData.subarray(0, 32);
  const id = input.credentialId;
  const data = new Uint8Array(1 + 32 + 32 + id.length + 65);
  data[0] = 0x00;
  data.set(rpIdHash, 1);
  data.set(input.clientDataHash, 33);
  data.set(id, 65);
  data[65 + id.length] = 0x04;
  data.set(key.x, 66 + id.length);
  data.set(key.y, 98 + id.length);
  if (!(await verifySignature(certKey, { type: 'ecdsa', hash: 'SHA-256' }, data, sig)))
    throw fail('ERR_ATTESTATION', 'fido-u2f: the attestation signature does not verify');
  return { attestationType: 'basic', trustPath: x5c };
};
