/**
 * TPM 2.0 constants used by the `tpm` attestation statement format (WebAuthn L3 §8.3).
 * Values from TPM 2.0 Library Part 2 (Structures) and the TCG TPM Vendor ID Registry.
 * Not public.
 */

/** TPM 2.0 Part 2 §6.2: `TPM_GENERATED_VALUE`, the magic that opens every TPM-made `TPMS_ATTEST`. */
export const TPM_GENERATED_VALUE = 0xff544347;

/** TPM 2.0 Part 2 §6.9: `TPM_ST_ATTEST_CERTIFY`, the structure tag of a `TPM2_Certify` result. */
export const TPM_ST_ATTEST_CERTIFY = 0x8017;

/** TPM 2.0 Part 2 §6.3 `TPM_ALG_ID` values this format meets. */
export const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  HMAC: 0x0005,
  AES: 0x0006,
  KEYEDHASH: 0x0008,
  XOR: 0x000a,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  SM3_256: 0x0012,
  SM4: 0x0013,
  RSASSA: 0x0014,
  RSAES: 0x0015,
  RSAPSS: 0x0016,
  OAEP: 0x0017,
  ECDSA: 0x0018,
  ECDH: 0x0019,
  ECDAA: 0x001a,
  SM2: 0x001b,
  ECSCHNORR: 0x001c,
  ECMQV: 0x001d,
  KDF1_SP800_56A: 0x0020,
  KDF2: 0x0021,
  KDF1_SP800_108: 0x0022,
  ECC: 0x0023,
  SYMCIPHER: 0x0025,
  CAMELLIA: 0x0026,
  CTR: 0x0040,
  OFB: 0x0041,
  CBC: 0x0042,
  CFB: 0x0043,
  ECB: 0x0044,
} as const;

/** TPM 2.0 Part 2 §6.4 `TPM_ECC_CURVE` values and the COSE `crv` (RFC 9053 §7.1) each maps to. */
export const TPM_ECC_CURVE_TO_COSE_CRV: ReadonlyMap<number, number> = /* @__PURE__ */ new Map([
  [0x0003, 1], // TPM_ECC_NIST_P256 → P-256
  [0x0004, 2], // TPM_ECC_NIST_P384 → P-384
  [0x0005, 3], // TPM_ECC_NIST_P521 → P-521
]);

/** Name-algorithm ids (`TPM_ALG_ID`) this verifier can hash with, and their digest lengths. */
export const TPM_NAME_ALG_DIGEST_LENGTH: ReadonlyMap<number, number> = /* @__PURE__ */ new Map([
  [TPM_ALG.SHA1, 20],
  [TPM_ALG.SHA256, 32],
  [TPM_ALG.SHA384, 48],
  [TPM_ALG.SHA512, 64],
]);

/**
 * TCG TPM Vendor ID Registry (Family 1.2 and 2.0, v1.07): the `tcg-at-tpmManufacturer` values an
 * AIK certificate's subject alternative name may carry, as `id:` + the hex of the 4-byte vendor id
 * (the vendor's ASCII code, padded). `FFFFF1D0` is the FIDO Alliance's conformance-test TPM.
 */
export const TPM_MANUFACTURERS: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([
  ['414D4400', 'AMD'],
  ['414E5400', 'Ant Group'],
  ['41544D4C', 'Atmel'],
  ['4252434D', 'Broadcom'],
  ['4353434F', 'Cisco'],
  ['464C5953', 'Flyslice Technologies'],
  ['524F4343', 'Fuzhou Rockchip'],
  ['474F4F47', 'Google'],
  ['48504900', 'HPI'],
  ['48504500', 'HPE'],
  ['48495349', 'Huawei'],
  ['49424D00', 'IBM'],
  ['49465800', 'Infineon'],
  ['494E5443', 'Intel'],
  ['4C454E00', 'Lenovo'],
  ['4D534654', 'Microsoft'],
  ['4E534D20', 'National Semiconductor'],
  ['4E545A00', 'Nationz'],
  ['4E534700', 'NSING'],
  ['4E544300', 'Nuvoton Technology'],
  ['51434F4D', 'Qualcomm'],
  ['534D534E', 'Samsung'],
  ['53454345', 'SecEdge'],
  ['534E5300', 'Sinosun'],
  ['534D5343', 'SMSC'],
  ['53544D20', 'STMicroelectronics'],
  ['54584E00', 'Texas Instruments'],
  ['57454300', 'Winbond'],
  ['5345414C', 'Wisekey'],
  ['FFFFF1D0', 'FIDO Alliance conformance testing'],
]);

/** TCG EK Credential Profile §3.2.9 attribute OIDs inside the AIK certificate's SAN directoryName. */
export const TCG_AT_TPM_MANUFACTURER = '2.23.133.2.1';
/** `tcg-at-tpmModel`. */
export const TCG_AT_TPM_MODEL = '2.23.133.2.2';
/** `tcg-at-tpmVersion`. */
export const TCG_AT_TPM_VERSION = '2.23.133.2.3';
/** `tcg-kp-AIKCertificate`: the extended key usage an AIK certificate must carry (WebAuthn L3 §8.3.1). */
export const TCG_KP_AIK_CERTIFICATE = '2.23.133.8.3';
