/**
 * WebAuthn L3 §8.3.1 "TPM Attestation Statement Certificate Requirements" for the AIK certificate,
 * and the FIDO AAGUID extension check shared with it. Not public.
 */
import { children, expectTlv, oidToString, value } from '../internal/der.ts';
import { fail, guard, malformed } from '../internal/errors.ts';
import type { ParsedCertificate } from '../x509/certificate.ts';
import {
  TCG_AT_TPM_MANUFACTURER,
  TCG_AT_TPM_MODEL,
  TCG_AT_TPM_VERSION,
  TCG_KP_AIK_CERTIFICATE,
  TPM_MANUFACTURERS,
} from './tpm-constants.ts';

/** `id-fido-gen-ce-aaguid`: the FIDO AAGUID certificate extension. */
export const FIDO_AAGUID_EXTENSION_OID = '1.3.6.1.4.1.45724.1.1.4';
/** `id-ce-extKeyUsage`. */
const EXT_KEY_USAGE_OID = '2.5.29.37';

/** What the AIK certificate's subject alternative name says about the TPM. */
export interface TpmDeviceAttributes {
  /** `tcg-at-tpmManufacturer`, e.g. `id:49465800`. */
  readonly manufacturer: string;
  /** `tcg-at-tpmModel`. */
  readonly model: string;
  /** `tcg-at-tpmVersion`, e.g. `id:13`. */
  readonly version: string;
}

/** The OIDs of an Extended Key Usage extension value. */
function extendedKeyUsages(der: Uint8Array): string[] {
  return guard('extKeyUsage', () => {
    const seq = expectTlv(der, 0, 0x30, 'ExtKeyUsageSyntax');
    if (seq.end !== der.length) throw malformed('extKeyUsage: trailing bytes');
    return children(der, seq).map((item) => {
      if (item.tag !== 0x06) throw malformed('extKeyUsage: KeyPurposeId must be an OBJECT IDENTIFIER');
      return oidToString(value(der, item));
    });
  });
}

/**
 * Checks the AIK certificate requirements (§8.3.1): version 3, empty subject, a subject
 * alternative name naming a known TPM manufacturer with model and version (TCG EK Credential
 * Profile §3.2.9; the attributes may sit in one RDN or in three, both layouts occur), the
 * `tcg-kp-AIKCertificate` extended key usage, and not a CA.
 *
 * @returns The TPM's manufacturer, model and version.
 * @throws `ERR_ATTESTATION` naming the first requirement that fails.
 */
export function checkAikCertificate(cert: ParsedCertificate): TpmDeviceAttributes {
  if (cert.version !== 3)
    throw fail('ERR_ATTESTATION', `tpm: AIK certificate must be X.509 v3, found v${cert.version}`);
  if (cert.subject.length !== 0) throw fail('ERR_ATTESTATION', 'tpm: AIK certificate subject must be empty');
  const san = cert.subjectAltName;
  if (san === undefined) throw fail('ERR_ATTESTATION', 'tpm: AIK certificate has no subject alternative name');
  const attributes = san.filter((name) => name.tag === 4).flatMap((name) => name.directoryName);
  const pick = (oid: string, label: string): string => {
    const found = attributes.filter((a) => a.type === oid);
    if (found.length !== 1 || found[0] === undefined || found[0].value === '') {
      throw fail(
        'ERR_ATTESTATION',
        `tpm: AIK certificate SAN must name the ${label} exactly once, found ${found.length}`,
      );
    }
    return found[0].value;
  };
  const manufacturer = pick(TCG_AT_TPM_MANUFACTURER, 'TPM manufacturer');
  const model = pick(TCG_AT_TPM_MODEL, 'TPM model');
  const version = pick(TCG_AT_TPM_VERSION, 'TPM version');
  const vendor = /^id:([0-9A-Fa-f]{8})$/.exec(manufacturer)?.[1]?.toUpperCase();
  if (vendor === undefined || !TPM_MANUFACTURERS.has(vendor)) {
    throw fail(
      'ERR_ATTESTATION',
      `tpm: AIK certificate names unknown TPM manufacturer ${JSON.stringify(manufacturer)}`,
    );
  }
  const eku = cert.extensions.get(EXT_KEY_USAGE_OID);
  if (eku === undefined || !extendedKeyUsages(eku.value).includes(TCG_KP_AIK_CERTIFICATE)) {
    throw fail('ERR_ATTESTATION', `tpm: AIK certificate extended key usage must include ${TCG_KP_AIK_CERTIFICATE}`);
  }
  // An absent Basic Constraints extension means cA = FALSE (RFC 5280 §4.2.1.9).
  if (cert.basicConstraints?.cA === true) throw fail('ERR_ATTESTATION', 'tpm: AIK certificate must not be a CA');
  return { manufacturer, model, version };
}

/**
 * When the certificate carries the FIDO AAGUID extension, checks it equals the authenticator
 * data's AAGUID (WebAuthn L3 §8.2.1, §8.3.2). The extension value is an OCTET STRING of 16 bytes.
 *
 * @throws `ERR_ATTESTATION` on a mismatch, a critical extension or a malformed value.
 */
export function checkAaguidExtension(cert: ParsedCertificate, aaguid: Uint8Array, format: string): void {
  const ext = cert.extensions.get(FIDO_AAGUID_EXTENSION_OID);
  if (ext === undefined) return;
  if (ext.critical) throw fail('ERR_ATTESTATION', `${format}: the AAGUID certificate extension must not be critical`);
  const v = ext.value;
  if (v.length !== 18 || v[0] !== 0x04 || v[1] !== 16) {
    throw fail('ERR_ATTESTATION', `${format}: the AAGUID certificate extension must be an OCTET STRING of 16 bytes`);
  }
  const inCert = v.subarray(2);
  let same = aaguid.length === 16;
  for (let i = 0; same && i < 16; i++) same = inCert[i] === aaguid[i];
  if (!same)
    throw fail(
      'ERR_ATTESTATION',
      `${format}: the certificate's AAGUID extension differs from the authenticator data AAGUID`,
    );
}
