/** COSE registry values used by WebAuthn (IANA "COSE Algorithms", "COSE Key Types", "COSE Elliptic Curves"). */

/**
 * COSE algorithm identifiers (RFC 9053, RFC 8812, RFC 9864).
 *
 * @example
 * ```ts
 * const options = await generateRegistrationOptions({ ..., supportedAlgorithms: [COSE_ALG.ES256] });
 * ```
 */
export const COSE_ALG = {
  /** ECDSA P-256 / SHA-256. */
  ES256: -7,
  /** ECDSA P-384 / SHA-384. */
  ES384: -35,
  /** ECDSA P-521 / SHA-512. */
  ES512: -36,
  /** ECDSA P-256 / SHA-256 (fully specified). */
  ESP256: -9,
  /** ECDSA P-384 / SHA-384 (fully specified). */
  ESP384: -51,
  /** ECDSA P-521 / SHA-512 (fully specified). */
  ESP512: -52,
  /** ECDSA secp256k1 / SHA-256. */
  ES256K: -47,
  /** EdDSA (Ed25519 or Ed448 according to the key's curve). */
  EdDSA: -8,
  /** Ed25519 (fully specified). */
  Ed25519: -19,
  /** Ed448 (fully specified). */
  Ed448: -53,
  /** RSASSA-PSS / SHA-256. */
  PS256: -37,
  /** RSASSA-PSS / SHA-384. */
  PS384: -38,
  /** RSASSA-PSS / SHA-512. */
  PS512: -39,
  /** RSASSA-PKCS1-v1_5 / SHA-256. */
  RS256: -257,
  /** RSASSA-PKCS1-v1_5 / SHA-384. */
  RS384: -258,
  /** RSASSA-PKCS1-v1_5 / SHA-512. */
  RS512: -259,
  /** RSASSA-PKCS1-v1_5 / SHA-1 (legacy Windows Hello TPM keys; opt in only). */
  RS1: -65535,
} as const;

/** COSE key types (label 1). */
export const COSE_KTY = {
  /** Octet key pair (EdDSA). */
  OKP: 1,
  /** Elliptic curve with x and y coordinates. */
  EC2: 2,
  /** RSA. */
  RSA: 3,
} as const;

/** COSE elliptic curves (label -1). */
export const COSE_CRV = {
  /** NIST P-256. */
  P256: 1,
  /** NIST P-384. */
  P384: 2,
  /** NIST P-521. */
  P521: 3,
  /** Ed25519. */
  Ed25519: 6,
  /** Ed448. */
  Ed448: 7,
  /** secp256k1. */
  secp256k1: 8,
} as const;

/** The algorithms accepted by default (the CONTRACT's list). */
export const DEFAULT_SUPPORTED_ALGORITHMS: readonly number[] = [-8, -7, -35, -36, -257, -258, -259, -37];
