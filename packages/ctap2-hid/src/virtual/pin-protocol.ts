/**
 * Internal: the device side of PIN/UV auth protocols 1 and 2 (CTAP 2.1 §6.5.6, §6.5.7).
 */

import { concatBytes, timingSafeEqual, utf8ToBytes } from '@keyward/internal';
import { cbc } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CTAP2_STATUS } from '../ctap2/constants.ts';
import type { CborMap } from './cbor-params.ts';
import { generatePrivateKey, p256PublicKey, type RandomSource } from './keys.ts';
import { fail } from './status.ts';

/** A PIN/UV auth protocol version this authenticator supports. */
export type PinProtocolVersion = 1 | 2;

/** One protocol's volatile state: its key-agreement key and its pinUvAuthToken. */
export class PinProtocol {
  readonly version: PinProtocolVersion;
  private readonly random: RandomSource;
  private keyAgreementKey: Uint8Array;
  /** The current pinUvAuthToken (32 bytes), fresh at every power-up and on every reset of the token. */
  token: Uint8Array;

  constructor(version: PinProtocolVersion, random: RandomSource) {
    this.version = version;
    this.random = random;
    this.keyAgreementKey = generatePrivateKey(-7, random);
    this.token = random(32).slice();
  }

  /** regenerate(): a new key-agreement key pair (§6.5.4). */
  regenerate(): void {
    this.keyAgreementKey = generatePrivateKey(-7, this.random);
  }

  /** resetPinUvAuthToken(): a new random token, which invalidates the old one (§6.5.4). */
  resetToken(): void {
    this.token = this.random(32).slice();
  }

  /** getPublicKey(): the key-agreement COSE_Key, alg -25 (ECDH-ES+HKDF-256) as both protocols send it. */
  publicKey(): Map<number, unknown> {
    const point = p256PublicKey(this.keyAgreementKey);
    return new Map<number, unknown>([
      [1, 2],
      [3, -25],
      [-1, 1],
      [-2, point.slice(1, 33)],
      [-3, point.slice(33, 65)],
    ]);
  }

  /**
   * decapsulate(peerCoseKey): ECDH with the platform's key, then KDF (§6.5.6: SHA-256(Z);
   * §6.5.7: HKDF-SHA-256 into an HMAC key and an AES key). Bad keys → INVALID_PARAMETER.
   */
  decapsulate(peer: CborMap): Uint8Array {
    const x = peer.get(-2);
    const y = peer.get(-3);
    if (peer.get(1) !== 2 || peer.get(-1) !== 1)
      fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'keyAgreement not P-256');
    if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32)
      fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'keyAgreement coordinates');
    let z: Uint8Array;
    try {
      const point = concatBytes(new Uint8Array([4]), x, y);
      z = p256.getSharedSecret(this.keyAgreementKey, point, true).slice(1);
    } catch {
      return fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'keyAgreement point not on the curve');
    }
    if (this.version === 1) return sha256(z);
    const salt = new Uint8Array(32);
    return concatBytes(
      hkdf(sha256, z, salt, utf8ToBytes('CTAP2 HMAC key'), 32),
      hkdf(sha256, z, salt, utf8ToBytes('CTAP2 AES key'), 32),
    );
  }

  /** encrypt(key, demPlaintext): AES-256-CBC without padding; protocol 2 prefixes a random IV. */
  encrypt(sharedSecret: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.version === 1) return cbc(sharedSecret, new Uint8Array(16), { disablePadding: true }).encrypt(plaintext);
    const iv = this.random(16).slice();
    const ct = cbc(sharedSecret.subarray(32, 64), iv, { disablePadding: true }).encrypt(plaintext);
    return concatBytes(iv, ct);
  }

  /** decrypt(key, ciphertext); a length that is not whole blocks → `undefined` (the caller's error). */
  decrypt(sharedSecret: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    if (this.version === 1) {
      if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) return undefined;
      return cbc(sharedSecret, new Uint8Array(16), { disablePadding: true }).decrypt(ciphertext);
    }
    if (ciphertext.length < 32 || ciphertext.length % 16 !== 0) return undefined;
    return cbc(sharedSecret.subarray(32, 64), ciphertext.subarray(0, 16), { disablePadding: true }).decrypt(
      ciphertext.subarray(16),
    );
  }

  /** authenticate(key, message): HMAC-SHA-256, the first 16 bytes for protocol 1. */
  authenticate(key: Uint8Array, message: Uint8Array): Uint8Array {
    const hmacKey = this.version === 2 && key.length === 64 ? key.subarray(0, 32) : key;
    const mac = hmac(sha256, hmacKey, message);
    return this.version === 1 ? mac.slice(0, 16) : mac;
  }

  /** verify(key, message, signature) in constant time. */
  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    return timingSafeEqual(this.authenticate(key, message), signature);
  }
}
