/**
 * Parsers for the two TPM 2.0 structures the `tpm` attestation statement carries (WebAuthn L3
 * §8.3): `certInfo` (`TPMS_ATTEST`) and `pubArea` (`TPMT_PUBLIC`), both big-endian, read with the
 * bounds-checked reader so any truncation or trailing byte is `ERR_MALFORMED`. Not public.
 */
import type { ByteReader } from '@keyward/internal';
import { reader } from '../internal/bytes.ts';
import { malformed } from '../internal/errors.ts';
import { TPM_ALG } from './tpm-constants.ts';

/** TPM 2.0 Part 2 §10.12.8 `TPMS_ATTEST`, with `attested` read as `TPMS_CERTIFY_INFO` (§10.12.3). */
export interface TpmCertInfo {
  /** `TPM_GENERATED_VALUE` for a genuine TPM structure. */
  readonly magic: number;
  /** `TPMI_ST_ATTEST`: `TPM_ST_ATTEST_CERTIFY` for WebAuthn. */
  readonly type: number;
  /** `TPM2B_NAME` of the signing key (not checked by WebAuthn). */
  readonly qualifiedSigner: Uint8Array;
  /** `TPM2B_DATA`: the hash of `authData || clientDataHash`. */
  readonly extraData: Uint8Array;
  /** `TPMS_CLOCK_INFO.clock` (ms). */
  readonly clock: bigint;
  /** `TPMS_CLOCK_INFO.resetCount`. */
  readonly resetCount: number;
  /** `TPMS_CLOCK_INFO.restartCount`. */
  readonly restartCount: number;
  /** `TPMS_CLOCK_INFO.safe`. */
  readonly safe: boolean;
  /** Firmware version of the TPM. */
  readonly firmwareVersion: bigint;
  /** `TPMS_CERTIFY_INFO.name`: `nameAlg || H(pubArea)` of the certified key. */
  readonly attestedName: Uint8Array;
  /** `TPMS_CERTIFY_INFO.qualifiedName`. */
  readonly attestedQualifiedName: Uint8Array;
}

/** `TPMT_PUBLIC.parameters` for `TPM_ALG_RSA` (`TPMS_RSA_PARMS`, Part 2 §12.2.3.5). */
export interface TpmRsaParameters {
  /** Object type. */
  readonly type: 'rsa';
  /** `symmetric.algorithm` (`TPM_ALG_NULL` for signing keys). */
  readonly symmetric: number;
  /** `scheme.scheme`. */
  readonly scheme: number;
  /** Modulus size in bits. */
  readonly keyBits: number;
  /** Public exponent; the TPM encodes the default 65537 as 0 and this field already holds 65537 then. */
  readonly exponent: number;
}

/** `TPMT_PUBLIC.parameters` for `TPM_ALG_ECC` (`TPMS_ECC_PARMS`, Part 2 §12.2.3.6). */
export interface TpmEccParameters {
  /** Object type. */
  readonly type: 'ecc';
  /** `symmetric.algorithm`. */
  readonly symmetric: number;
  /** `scheme.scheme`. */
  readonly scheme: number;
  /** `TPM_ECC_CURVE`. */
  readonly curveId: number;
  /** `kdf.scheme`. */
  readonly kdf: number;
}

/** TPM 2.0 Part 2 §12.2.4 `TPMT_PUBLIC`. */
export interface TpmPubArea {
  /** `TPM_ALG_RSA` or `TPM_ALG_ECC`. */
  readonly type: number;
  /** Hash algorithm of the object's Name. */
  readonly nameAlg: number;
  /** `TPMA_OBJECT` bits. */
  readonly objectAttributes: number;
  /** `TPM2B_DIGEST` policy. */
  readonly authPolicy: Uint8Array;
  /** Key parameters. */
  readonly parameters: TpmRsaParameters | TpmEccParameters;
  /** RSA: `{ n }`; ECC: `{ x, y }`. */
  readonly unique: { readonly n: Uint8Array } | { readonly x: Uint8Array; readonly y: Uint8Array };
}

/** A `TPM2B_*`: a big-endian 16-bit size, then that many bytes. */
function sized(r: ByteReader, what: string): Uint8Array {
  const size = r.u16be(`${what} size`);
  return r.take(size, what);
}

/**
 * Parses `certInfo` (`TPMS_ATTEST`). The whole input must be one structure.
 *
 * @throws `ERR_MALFORMED` on truncation or trailing bytes.
 */
export function parseCertInfo(bytes: Uint8Array): TpmCertInfo {
  const r = reader(bytes);
  const magic = r.u32be('certInfo.magic');
  const type = r.u16be('certInfo.type');
  const qualifiedSigner = sized(r, 'certInfo.qualifiedSigner');
  const extraData = sized(r, 'certInfo.extraData');
  const clock = r.u64be('certInfo.clockInfo.clock');
  const resetCount = r.u32be('certInfo.clockInfo.resetCount');
  const restartCount = r.u32be('certInfo.clockInfo.restartCount');
  const safe = r.u8('certInfo.clockInfo.safe') !== 0;
  const firmwareVersion = r.u64be('certInfo.firmwareVersion');
  // The union `attested` is a TPMS_CERTIFY_INFO only for TPM_ST_ATTEST_CERTIFY; the caller rejects
  // other types, so reading it as such first keeps one code path (a wrong type fails either way).
  const attestedName = sized(r, 'certInfo.attested.name');
  const attestedQualifiedName = sized(r, 'certInfo.attested.qualifiedName');
  r.done('certInfo');
  return {
    magic,
    type,
    qualifiedSigner,
    extraData,
    clock,
    resetCount,
    restartCount,
    safe,
    firmwareVersion,
    attestedName,
    attestedQualifiedName,
  };
}

/** `TPMT_SYM_DEF_OBJECT` (§11.1.7): an algorithm, then key bits and mode unless it is NULL. */
function symDefObject(r: ByteReader): number {
  const algorithm = r.u16be('pubArea.parameters.symmetric');
  if (algorithm !== TPM_ALG.NULL) {
    r.u16be('pubArea.parameters.symmetric.keyBits');
    r.u16be('pubArea.parameters.symmetric.mode');
  }
  return algorithm;
}

/** `TPMT_RSA_SCHEME` / `TPMT_ECC_SCHEME` / `TPMT_KDF_SCHEME`: a scheme, then a hash alg unless NULL. */
function schemeWithHash(r: ByteReader, what: string): number {
  const scheme = r.u16be(what);
  if (scheme !== TPM_ALG.NULL) {
    r.u16be(`${what}.details.hashAlg`);
    // ECDAA schemes also carry a 16-bit count (TPMS_SCHEME_ECDAA, §11.2.3.2).
    if (scheme === TPM_ALG.ECDAA) r.u16be(`${what}.details.count`);
  }
  return scheme;
}

/**
 * Parses `pubArea` (`TPMT_PUBLIC`) of an RSA or ECC key. The whole input must be one structure.
 *
 * @throws `ERR_MALFORMED` on truncation, trailing bytes, or an object type other than RSA/ECC.
 */
export function parsePubArea(bytes: Uint8Array): TpmPubArea {
  const r = reader(bytes);
  const type = r.u16be('pubArea.type');
  const nameAlg = r.u16be('pubArea.nameAlg');
  const objectAttributes = r.u32be('pubArea.objectAttributes');
  const authPolicy = sized(r, 'pubArea.authPolicy');
  let parameters: TpmRsaParameters | TpmEccParameters;
  let unique: TpmPubArea['unique'];
  if (type === TPM_ALG.RSA) {
    const symmetric = symDefObject(r);
    const scheme = schemeWithHash(r, 'pubArea.parameters.scheme');
    const keyBits = r.u16be('pubArea.parameters.keyBits');
    const rawExponent = r.u32be('pubArea.parameters.exponent');
    // Part 2 §12.2.3.5: an exponent of zero means the default, 2^16 + 1.
    const exponent = rawExponent === 0 ? 65537 : rawExponent;
    parameters = { type: 'rsa', symmetric, scheme, keyBits, exponent };
    unique = { n: sized(r, 'pubArea.unique.rsa') };
  } else if (type === TPM_ALG.ECC) {
    const symmetric = symDefObject(r);
    const scheme = schemeWithHash(r, 'pubArea.parameters.scheme');
    const curveId = r.u16be('pubArea.parameters.curveID');
    const kdf = schemeWithHash(r, 'pubArea.parameters.kdf');
    parameters = { type: 'ecc', symmetric, scheme, curveId, kdf };
    const x = sized(r, 'pubArea.unique.ecc.x');
    const y = sized(r, 'pubArea.unique.ecc.y');
    unique = { x, y };
  } else {
    throw malformed(
      `pubArea.type: expected TPM_ALG_RSA (0x0001) or TPM_ALG_ECC (0x0023), found 0x${type.toString(16).padStart(4, '0')}`,
    );
  }
  r.done('pubArea');
  return { type, nameAlg, objectAttributes, authPolicy, parameters, unique };
}
