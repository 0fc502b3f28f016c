/**
 * Internal: the platform side of PIN/UV auth protocols 1 and 2 (CTAP 2.1 §6.5.6, §6.5.7):
 * key agreement, encrypt/decrypt of PIN material and authenticate() for pinUvAuthParam.
 */
import { concatBytes, randomBytes } from '@keyward/internal';
import { cbc } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CtapError } from '../errors.ts';
import { type CborMap, read } from './cbor.ts';

/** A PIN/UV auth protocol version. */
export type PinUvAuthProtocolVersion = 1 | 2;

/** The result of encapsulate(): the platform key to send and the shared secret to keep. */
export interface Encapsulation {
  /** The platform's COSE_Key (keyAgreement, 0x03). */
  keyAgreement: CborMap;
  /** Protocol 1: 32 bytes; protocol 2: HMAC key (32) ‖ AES key (32). */
  sharedSecret: Uint8Array;
}

const ZERO_SALT = /* @__PURE__ */ new Uint8Array(32);
const ZERO_IV = /* @__PURE__ */ new Uint8Array(16);

/** Internal: one protocol's host-side operations. */
export class PinProtocolHost {
  readonly version: PinUvAuthProtocolVersion;
  private readonly random: (length: number) => Uint8Array;

  constructor(version: PinUvAuthProtocolVersion, random: (length: number) => Uint8Array = randomBytes) {
    this.version = version;
    this.random = random;
  }

  /** encapsulate(peerCoseKey): ECDH with the key's keyAgreement, then the protocol's KDF. */
  encapsulate(peer: CborMap): Encapsulation {
    const c = 'clientPIN keyAgreement';
    const kty = read.int(peer, 1, c);
    const crv = read.int(peer, -1, c);
    const x = read.bytes(peer, -2, c);
    const y = read.bytes(peer, -3, c);
    if (kty !== 2 || crv !== 1 || x?.length !== 32 || y?.length !== 32) {
      throw new CtapError('ERR_MALFORMED', 'clientPIN keyAgreement is not a P-256 EC2 COSE key');
    }
    const peerPoint = concatBytes(Uint8Array.of(4), x, y);
    const secretKey = p256.utils.randomSecretKey(this.random(48));
    let z: Uint8Array;
    try {
      z = p256.getSharedSecret(secretKey, peerPoint, true).slice(1);
    } catch (cause) {
      throw new CtapError('ERR_MALFORMED', 'clientPIN keyAgreement is not a point on P-256', { cause });
    }
    const own = p256.getPublicKey(secretKey, false);
    const keyAgreement: CborMap = new Map<unknown, unknown>([
      [1, 2],
      [3, -25],
      [-1, 1],
      [-2, own.slice(1, 33)],
      [-3, own.slice(33, 65)],
    ]);
    return { keyAgreement, sharedSecret: this.kdf(z) };
  }

  private kdf(z: Uint8Array): Uint8Array {
    // §6.5.6: SHA-256(Z); §6.5.7: HKDF-SHA-256(salt = 32 zero bytes) with two info strings.
    if (this.version === 1) return sha256(z);
    const enc = new TextEncoder();
    return concatBytes(
      hkdf(sha256, z, ZERO_SALT, enc.encode('CTAP2 HMAC key'), 32),
      hkdf(sha256, z, ZERO_SALT, enc.encode('CTAP2 AES key'), 32),
    );
  }

  /** encrypt(key, demPlaintext): AES-256-CBC, zero IV (v1) or random IV prepended (v2). */
  encrypt(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.version === 1) return cbc(key.subarray(0, 32), ZERO_IV, { disablePadding: true }).encrypt(plaintext);
    const iv = this.random(16);
    return concatBytes(iv, cbc(key.subarray(32, 64), iv, { disablePadding: true }).encrypt(plaintext));
  }

  /** decrypt(key, demCiphertext); a length that is not whole blocks is `ERR_MALFORMED`. */
  decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const body = this.version === 1 ? ciphertext : ciphertext.subarray(16);
    if (body.length === 0 || body.length % 16 !== 0 || (this.version === 2 && ciphertext.length < 16)) {
      throw new CtapError('ERR_MALFORMED', `encrypted field of ${ciphertext.length} bytes is not whole AES blocks`);
    }
    if (this.version === 1) return cbc(key.subarray(0, 32), ZERO_IV, { disablePadding: true }).decrypt(body);
    return cbc(key.subarray(32, 64), ciphertext.subarray(0, 16), { disablePadding: true }).decrypt(body);
  }

  /**
   * authenticate(key, message): HMAC-SHA-256, the first 16 bytes for v1. `key` is a shared secret
   * (v2 uses its HMAC half) or a pinUvAuthToken.
   */
  authenticate(key: Uint8Array, message: Uint8Array, isSharedSecret = false): Uint8Array {
    const macKey = this.version === 2 && isSharedSecret ? key.subarray(0, 32) : key;
    const mac = hmac(sha256, macKey, message);
    return this.version === 1 ? mac.slice(0, 16) : mac;
  }
}
