/**
 * Signature verification: WebCrypto for every pair a runtime's WebCrypto implements (cached,
 * verify-only keys), noble for the rest (secp256k1, Ed448, curve/hash pairs such as a P-384 key
 * with SHA-256 that WebCrypto-style engines refuse). High-S ECDSA signatures are accepted.
 */
import { bytesToBase64url } from '@keyward/internal';
import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { COSE_ALG } from '../cose/constants.ts';
import { type CoseKey, EC_FIELD_BYTES, ec2Point } from '../cose/key.ts';
import { WebAuthnError } from '../errors.ts';
import { bytesKey } from '../internal/bytes.ts';
import { children, derSignatureToP1363, expectTlv, oidToString, value } from '../internal/der.ts';
import { malformed } from '../internal/errors.ts';
import { LruCache } from '../internal/lru.ts';

/** Hash names as WebCrypto spells them. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Raw public-key material, independent of its encoding. */
export type PublicKeyMaterial =
  | { readonly type: 'ec'; readonly crv: 1 | 2 | 3 | 8; readonly point: Uint8Array }
  | { readonly type: 'okp'; readonly crv: 6 | 7; readonly x: Uint8Array }
  | { readonly type: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array };

/** A signature scheme: family and hash. */
export interface SignatureScheme {
  readonly type: 'ecdsa' | 'pkcs1' | 'pss' | 'eddsa';
  /** Digest for ECDSA/RSA (ignored for EdDSA). */
  readonly hash: HashName;
}

const HASH_LENGTH: Readonly<Record<HashName, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
const NATURAL_HASH: Readonly<Record<number, HashName>> = { 1: 'SHA-256', 2: 'SHA-384', 3: 'SHA-512' };
const CURVE_NAME: Readonly<Record<number, string>> = { 1: 'P-256', 2: 'P-384', 3: 'P-521' };

/** The scheme of a COSE signature algorithm, or `undefined` for an unknown one. */
export function schemeOfCoseAlg(alg: number): SignatureScheme | undefined {
  switch (alg) {
    case COSE_ALG.ES256:
    case COSE_ALG.ESP256:
    case COSE_ALG.ES256K:
      return { type: 'ecdsa', hash: 'SHA-256' };
    case COSE_ALG.ES384:
    case COSE_ALG.ESP384:
      return { type: 'ecdsa', hash: 'SHA-384' };
    case COSE_ALG.ES512:
    case COSE_ALG.ESP512:
      return { type: 'ecdsa', hash: 'SHA-512' };
    case COSE_ALG.EdDSA:
    case COSE_ALG.Ed25519:
    case COSE_ALG.Ed448:
      return { type: 'eddsa', hash: 'SHA-512' };
    case COSE_ALG.RS256:
      return { type: 'pkcs1', hash: 'SHA-256' };
    case COSE_ALG.RS384:
      return { type: 'pkcs1', hash: 'SHA-384' };
    case COSE_ALG.RS512:
      return { type: 'pkcs1', hash: 'SHA-512' };
    case COSE_ALG.RS1:
      return { type: 'pkcs1', hash: 'SHA-1' };
    case COSE_ALG.PS256:
      return { type: 'pss', hash: 'SHA-256' };
    case COSE_ALG.PS384:
      return { type: 'pss', hash: 'SHA-384' };
    case COSE_ALG.PS512:
      return { type: 'pss', hash: 'SHA-512' };
    default:
      return undefined;
  }
}

/** Digest with @noble/hashes (synchronous: no thread-pool hop). */
export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  switch (hash) {
    case 'SHA-1':
      return sha1(data);
    case 'SHA-256':
      return sha256(data);
    case 'SHA-384':
      return sha384(data);
    default:
      return sha512(data);
  }
}

/** Public-key material of a COSE key. */
export function materialOfCoseKey(key: CoseKey): PublicKeyMaterial {
  if (key.kty === 2) return { type: 'ec', crv: key.crv, point: ec2Point(key) };
  if (key.kty === 1) return { type: 'okp', crv: key.crv, x: key.x };
  return { type: 'rsa', n: key.n, e: key.e };
}

const CURVE_OF_OID: Readonly<Record<string, 1 | 2 | 3 | 8>> = {
  '1.2.840.10045.3.1.7': 1,
  '1.3.132.0.34': 2,
  '1.3.132.0.35': 3,
  '1.3.132.0.10': 8,
};

/**
 * Reads a DER SubjectPublicKeyInfo into key material (EC on the four supported curves, Ed25519,
 * Ed448, RSA). EC points are validated.
 *
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for bad DER or an invalid point,
 * `ERR_UNSUPPORTED_ALG` for another key algorithm or curve.
 */
export function parseSpki(spki: Uint8Array): PublicKeyMaterial {
  const seq = expectTlv(spki, 0, 0x30, 'SubjectPublicKeyInfo');
  if (seq.end !== spki.length) throw malformed('SubjectPublicKeyInfo: trailing bytes');
  const [algId, bitString, ...extra] = children(spki, seq);
  if (!algId || !bitString || extra.length > 0 || algId.tag !== 0x30 || bitString.tag !== 0x03)
    throw malformed('SubjectPublicKeyInfo: bad structure');
  const algParts = children(spki, algId);
  const oidTlv = algParts[0];
  if (oidTlv?.tag !== 0x06) throw malformed('SubjectPublicKeyInfo: missing algorithm OID');
  const oid = oidToString(value(spki, oidTlv));
  const bits = value(spki, bitString);
  if (bits.length < 2 || bits[0] !== 0) throw malformed('SubjectPublicKeyInfo: bad BIT STRING');
  const key = bits.subarray(1);
  if (oid === '1.2.840.10045.2.1') {
    const curveTlv = algParts[1];
    if (curveTlv?.tag !== 0x06) throw malformed('SubjectPublicKeyInfo: EC key without named curve');
    const crv = CURVE_OF_OID[oidToString(value(spki, curveTlv))];
    if (crv === undefined) throw new WebAuthnError('ERR_UNSUPPORTED_ALG', 'SubjectPublicKeyInfo: unsupported EC curve');
    const size = EC_FIELD_BYTES[crv] as number;
    if (key.length !== 1 + 2 * size || key[0] !== 4)
      throw malformed('SubjectPublicKeyInfo: EC point is not uncompressed');
    try {
      (crv === 1 ? p256 : crv === 2 ? p384 : crv === 3 ? p521 : secp256k1).Point.fromBytes(key).assertValidity();
    } catch (cause) {
      throw malformed('SubjectPublicKeyInfo: EC point is not on its curve', cause);
    }
    return { type: 'ec', crv, point: key.slice() };
  }
  if (oid === '1.3.101.112' || oid === '1.3.101.113') {
    const crv = oid === '1.3.101.112' ? 6 : 7;
    if (key.length !== (crv === 6 ? 32 : 57)) throw malformed('SubjectPublicKeyInfo: bad EdDSA key length');
    return { type: 'okp', crv, x: key.slice() };
  }
  if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
    const rsa = expectTlv(key, 0, 0x30, 'RSAPublicKey');
    if (rsa.end !== key.length) throw malformed('RSAPublicKey: trailing bytes');
    const [nT, eT, ...rest] = children(key, rsa);
    if (!nT || !eT || rest.length > 0 || nT.tag !== 0x02 || eT.tag !== 0x02)
      throw malformed('RSAPublicKey: bad structure');
    let n = value(key, nT);
    let e = value(key, eT);
    while (n.length > 1 && n[0] === 0) n = n.subarray(1);
    while (e.length > 1 && e[0] === 0) e = e.subarray(1);
    if (n.length < 64 || n.length > 1024 || e.length > 8)
      throw new WebAuthnError('ERR_UNSUPPORTED_ALG', 'RSA key size unsupported');
    return { type: 'rsa', n: n.slice(), e: e.slice() };
  }
  throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `SubjectPublicKeyInfo: key algorithm ${oid} is not supported`);
}

/** WebCrypto's key type (declared without the DOM lib). */
type CryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;
type VerifyParams = Parameters<typeof globalThis.crypto.subtle.verify>[0];

/** Imported verify-only CryptoKeys, keyed by scheme and public-key bytes. */
const keyCache = /* @__PURE__ */ new LruCache<string, Promise<CryptoKey | null>>(2048);

function toBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

async function importKey(material: PublicKeyMaterial, scheme: SignatureScheme): Promise<CryptoKey | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  try {
    if (material.type === 'ec') {
      return await subtle.importKey(
        'raw',
        toBuffer(material.point),
        { name: 'ECDSA', namedCurve: CURVE_NAME[material.crv] as string },
        false,
        ['verify'],
      );
    }
    if (material.type === 'okp') {
      return await subtle.importKey('raw', toBuffer(material.x), { name: 'Ed25519' }, false, ['verify']);
    }
    const jwk = { kty: 'RSA', n: bytesToBase64url(material.n), e: bytesToBase64url(material.e), ext: true };
    const name = scheme.type === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
    return await subtle.importKey('jwk', jwk, { name, hash: scheme.hash }, false, ['verify']);
  } catch {
    // The runtime lacks this algorithm (or refuses the key): fall back to noble where possible.
    return null;
  }
}

function useWebCrypto(material: PublicKeyMaterial, scheme: SignatureScheme): boolean {
  if (material.type === 'ec')
    return scheme.type === 'ecdsa' && material.crv !== 8 && NATURAL_HASH[material.crv] === scheme.hash;
  if (material.type === 'okp') return scheme.type === 'eddsa' && material.crv === 6;
  return scheme.type === 'pkcs1' || scheme.type === 'pss';
}

function nobleVerify(
  material: PublicKeyMaterial,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (material.type === 'ec' && scheme.type === 'ecdsa') {
      const curve = material.crv === 1 ? p256 : material.crv === 2 ? p384 : material.crv === 3 ? p521 : secp256k1;
      return curve.verify(signature, digest(scheme.hash, data), material.point, {
        prehash: false,
        format: 'der',
        lowS: false,
      });
    }
    if (material.type === 'okp' && scheme.type === 'eddsa') {
      return material.crv === 6
        ? ed25519.verify(signature, data, material.x, { zip215: false })
        : ed448.verify(signature, data, material.x);
    }
  } catch {
    return false;
  }
  // RSA without WebCrypto, or a key/scheme mismatch.
  throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `no implementation for ${scheme.type} with a ${material.type} key`);
}

function cacheKeyOf(material: PublicKeyMaterial, scheme: SignatureScheme): string {
  const head = `${scheme.type}:${scheme.hash}:${material.type}:`;
  if (material.type === 'ec') return head + material.crv + bytesKey(material.point);
  if (material.type === 'okp') return head + material.crv + bytesKey(material.x);
  return `${head}${bytesKey(material.e)}|${bytesKey(material.n)}`;
}

/**
 * Verifies a signature made by `material` under `scheme`. ECDSA signatures are DER (as WebAuthn
 * sends them). Returns `false` for a signature that does not verify, including one that is not
 * even well-formed.
 *
 * @param cache - Keep the imported CryptoKey in the bounded cache (default true).
 */
export async function verifySignature(
  material: PublicKeyMaterial,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
  cache = true,
): Promise<boolean> {
  if (!useWebCrypto(material, scheme)) return nobleVerify(material, scheme, data, signature);
  let key: CryptoKey | null;
  if (cache) {
    const id = cacheKeyOf(material, scheme);
    let pending = keyCache.get(id);
    if (pending === undefined) {
      pending = importKey(material, scheme);
      keyCache.set(id, pending);
    }
    key = await pending;
  } else key = await importKey(material, scheme);
  if (key === null) return nobleVerify(material, scheme, data, signature);
  const subtle = globalThis.crypto.subtle;
  let sig: Uint8Array = signature;
  let params: VerifyParams;
  if (material.type === 'ec') {
    try {
      sig = derSignatureToP1363(signature, EC_FIELD_BYTES[material.crv] as number);
    } catch {
      return false;
    }
    params = { name: 'ECDSA', hash: scheme.hash };
  } else if (material.type === 'okp') params = { name: 'Ed25519' };
  else if (scheme.type === 'pss') params = { name: 'RSA-PSS', saltLength: HASH_LENGTH[scheme.hash] };
  else params = { name: 'RSASSA-PKCS1-v1_5' };
  try {
    return await subtle.verify(params, key, toBuffer(sig), toBuffer(data));
  } catch {
    return false;
  }
}

/**
 * Verifies a WebAuthn signature with a credential's COSE public key (the key's own `alg`).
 *
 * @param key - A key from `parseCoseKey`.
 * @param data - The signed bytes (for assertions: `authData || SHA-256(clientDataJSON)`).
 * @param signature - The signature as the authenticator sent it (DER for ECDSA).
 * @returns `true` when the signature verifies, `false` otherwise.
 * @throws {@link WebAuthnError} `ERR_UNSUPPORTED_ALG` when the runtime cannot verify the algorithm.
 * @example
 * ```ts
 * const ok = await verifyWithCoseKey(parseCoseKey(publicKey), signedData, signature);
 * ```
 */
export async function verifyWithCoseKey(key: CoseKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const scheme = schemeOfCoseAlg(key.alg);
  if (!scheme) throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `COSE alg ${key.alg} is not supported`);
  return verifySignature(materialOfCoseKey(key), scheme, data, signature);
}

/**
 * Verifies a signature with the key of a DER SubjectPublicKeyInfo (an attestation certificate's
 * key) under a COSE algorithm. The key's curve need not match the algorithm's usual one.
 *
 * @param spkiDer - The DER SubjectPublicKeyInfo.
 * @param coseAlg - The COSE algorithm of the signature (its family must fit the key).
 * @param data - The signed bytes.
 * @param signature - The signature (DER for ECDSA).
 * @returns `true` when the signature verifies, `false` otherwise.
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for a bad SPKI; `ERR_UNSUPPORTED_ALG` for an
 * unknown algorithm or one that does not fit the key.
 */
export async function verifyWithSpki(
  spkiDer: Uint8Array,
  coseAlg: number,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const scheme = schemeOfCoseAlg(coseAlg);
  if (!scheme) throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `COSE alg ${coseAlg} is not supported`);
  const material = parseSpki(spkiDer);
  const fits =
    (material.type === 'ec' && scheme.type === 'ecdsa') ||
    (material.type === 'okp' && scheme.type === 'eddsa') ||
    (material.type === 'rsa' && (scheme.type === 'pkcs1' || scheme.type === 'pss'));
  if (!fits) throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `COSE alg ${coseAlg} does not fit a ${material.type} key`);
  return verifySignature(material, scheme, data, signature);
}
