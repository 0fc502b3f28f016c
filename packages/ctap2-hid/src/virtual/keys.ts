/**
 * Internal: credential key pairs (ES256, EdDSA), COSE public keys, signatures, and the wrapped
 * credential ids that let non-discoverable credentials live outside the authenticator's storage.
 */

import { concatBytes, utf8ToBytes } from '@keyward/internal';
import { gcm } from '@noble/ciphers/aes.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** COSE algorithm identifiers this authenticator supports (RFC 9053, RFC 8152). */
export const COSE_ALG = { ES256: -7, EdDSA: -8 } as const;
/** A supported COSE algorithm. */
export type CredentialAlg = (typeof COSE_ALG)[keyof typeof COSE_ALG];

/** Random source: `length` fresh bytes. */
export type RandomSource = (length: number) => Uint8Array;

/** A fresh private key for `alg`. */
export function generatePrivateKey(alg: CredentialAlg, random: RandomSource): Uint8Array {
  if (alg === COSE_ALG.EdDSA) return random(32).slice();
  for (;;) {
    const candidate = random(32).slice();
    if (p256.utils.isValidSecretKey(candidate)) return candidate;
  }
}

/** The uncompressed SEC1 point (65 bytes) of a P-256 private key. */
export function p256PublicKey(privateKey: Uint8Array): Uint8Array {
  return p256.getPublicKey(privateKey, false);
}

/** The COSE_Key of the public half of a credential key (CTAP 2.1 §6.5.6 / WebAuthn §6.5.1.1). */
export function cosePublicKey(alg: CredentialAlg, privateKey: Uint8Array): Map<number, unknown> {
  if (alg === COSE_ALG.EdDSA) {
    // OKP: kty 1, alg -8, crv 6 (Ed25519), x
    return new Map<number, unknown>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, ed25519.getPublicKey(privateKey)],
    ]);
  }
  const point = p256PublicKey(privateKey);
  // EC2: kty 2, alg -7, crv 1 (P-256), x, y
  return new Map<number, unknown>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, point.slice(1, 33)],
    [-3, point.slice(33, 65)],
  ]);
}

/** Signs `data`: ES256 gives an ASN.1 DER ECDSA signature over SHA-256, EdDSA a raw 64-byte one. */
export function signData(alg: CredentialAlg, privateKey: Uint8Array, data: Uint8Array): Uint8Array {
  if (alg === COSE_ALG.EdDSA) return ed25519.sign(data, privateKey);
  return p256.sign(data, privateKey, { format: 'der' });
}

/** What a wrapped credential id carries. */
export interface WrappedCredential {
  /** 0 CTAP2 non-discoverable, 1 CTAP2 discoverable (must also be in storage), 2 U2F key handle. */
  kind: 0 | 1 | 2;
  alg: CredentialAlg;
  credProtect: 1 | 2 | 3;
  /** Whether hmac-secret was enabled at creation. */
  hmacSecret: boolean;
  privateKey: Uint8Array;
}

const WRAP_MARKER = 0x4b; // 'K'
const WRAP_PLAIN = 3 + 32;
/** Length of every credential id / key handle this authenticator issues. */
export const CREDENTIAL_ID_LENGTH: number = 1 + 12 + WRAP_PLAIN + 16;

function wrapKey(masterKey: Uint8Array): Uint8Array {
  return hkdf(sha256, masterKey, new Uint8Array(32), utf8ToBytes('keyward credential wrapping'), 32);
}

/**
 * Encrypts a credential's key into its id with AES-256-GCM under a key derived from the device's
 * master secret; the RP ID hash (or U2F application parameter) is the associated data, so the id
 * is useless for any other RP and after a reset (which replaces the master secret).
 */
export function wrapCredential(
  masterKey: Uint8Array,
  rpIdHash: Uint8Array,
  credential: WrappedCredential,
  random: RandomSource,
): Uint8Array {
  const nonce = random(12).slice();
  const algByte = credential.alg === COSE_ALG.EdDSA ? 1 : 0;
  const plain = concatBytes(
    new Uint8Array([credential.kind, algByte, credential.credProtect | (credential.hmacSecret ? 0x80 : 0)]),
    credential.privateKey,
  );
  const sealed = gcm(wrapKey(masterKey), nonce, concatBytes(new Uint8Array([WRAP_MARKER]), rpIdHash)).encrypt(plain);
  return concatBytes(new Uint8Array([WRAP_MARKER]), nonce, sealed);
}

/** Opens a credential id issued by {@link wrapCredential} for this RP; `undefined` for anything else. */
export function unwrapCredential(
  masterKey: Uint8Array,
  rpIdHash: Uint8Array,
  id: Uint8Array,
): WrappedCredential | undefined {
  if (id.length !== CREDENTIAL_ID_LENGTH || id[0] !== WRAP_MARKER) return undefined;
  let plain: Uint8Array;
  try {
    plain = gcm(wrapKey(masterKey), id.subarray(1, 13), concatBytes(new Uint8Array([WRAP_MARKER]), rpIdHash)).decrypt(
      id.subarray(13),
    );
  } catch {
    return undefined;
  }
  const kind = plain[0];
  const algByte = plain[1];
  const protectByte = plain[2] ?? 0;
  const credProtect = protectByte & 0x7f;
  if ((kind !== 0 && kind !== 1 && kind !== 2) || (algByte !== 0 && algByte !== 1)) return undefined;
  if (credProtect !== 1 && credProtect !== 2 && credProtect !== 3) return undefined;
  return {
    kind,
    alg: algByte === 1 ? COSE_ALG.EdDSA : COSE_ALG.ES256,
    credProtect,
    hmacSecret: (protectByte & 0x80) !== 0,
    privateKey: plain.slice(3),
  };
}

/** CredRandomWithUV / CredRandomWithoutUV of the hmac-secret extension (CTAP 2.1 §12.5), derived per credential. */
export function credRandom(privateKey: Uint8Array, userVerified: boolean): Uint8Array {
  return hmac(sha256, privateKey, utf8ToBytes(userVerified ? 'keyward hmac-secret uv' : 'keyward hmac-secret no-uv'));
}
