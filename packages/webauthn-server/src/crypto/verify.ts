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
import { isValidEcPoint } from './point.ts';

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
  let material = spkiMemo.get(spki);
  if (!material) {
    material = parseSpkiUncached(spki);
    spkiMemo.set(spki, material);
  }
  return material;
}

/** Parsed SPKIs by array identity (a cached certificate hands out the same `spki` view each time). */
const spkiMemo = /* @__PURE__ */ new WeakMap<Uint8Array, PublicKeyMaterial>();

function parseSpkiUncached(spki: Uint8Array): PublicKeyMaterial {
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
    if (!isValidEcPoint(crv, key, size)) throw malformed('SubjectPublicKeyInfo: EC point is not on its curve');
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

/**
 * The few members of Node's crypto module the fast path uses. It is reached at run time through
 * `process.getBuiltinModule` (Node >= 20.16), never imported: bundlers and other runtimes never see
 * it, and without it everything runs on WebCrypto and noble.
 */
interface NodeCryptoLike {
  createPublicKey(input: { key: Record<string, string>; format: 'jwk' }): unknown;
  verify(algorithm: string | null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
}

let nodeCrypto: NodeCryptoLike | null | undefined;

function getNodeCrypto(): NodeCryptoLike | null {
  if (nodeCrypto === undefined) {
    nodeCrypto = null;
    try {
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
      const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCryptoLike> | undefined;
      if (mod && typeof mod.createPublicKey === 'function' && typeof mod.verify === 'function')
        nodeCrypto = mod as NodeCryptoLike;
    } catch {
      nodeCrypto = null;
    }
  }
  return nodeCrypto;
}

/** A ready-to-use verification function for one key and scheme. */
type BoundVerifier = (data: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** Bound verifiers (imported verify-only keys), keyed by scheme and public-key bytes. */
const verifierCache = /* @__PURE__ */ new LruCache<string, BoundVerifier>(2048);

function toBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

const NODE_HASH: Readonly<Record<HashName, string>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

function jwkOf(material: PublicKeyMaterial): Record<string, string> {
  if (material.type === 'ec') {
    const size = EC_FIELD_BYTES[material.crv] as number;
    return {
      kty: 'EC',
      crv: CURVE_NAME[material.crv] as string,
      x: bytesToBase64url(material.point.subarray(1, 1 + size)),
      y: bytesToBase64url(material.point.subarray(1 + size)),
    };
  }
  if (material.type === 'okp') return { kty: 'OKP', crv: 'Ed25519', x: bytesToBase64url(material.x) };
  return { kty: 'RSA', n: bytesToBase64url(material.n), e: bytesToBase64url(material.e) };
}

function nodeVerifier(
  node: NodeCryptoLike,
  material: PublicKeyMaterial,
  scheme: SignatureScheme,
): BoundVerifier | null {
  let key: unknown;
  try {
    key = node.createPublicKey({ key: jwkOf(material), format: 'jwk' });
  } catch {
    return null;
  }
  const hash = NODE_HASH[scheme.hash];
  let call: (data: Uint8Array, sig: Uint8Array) => boolean;
  if (material.type === 'ec') call = (data, sig) => node.verify(hash, data, { key, dsaEncoding: 'der' }, sig);
  else if (material.type === 'okp') call = (data, sig) => node.verify(null, data, key, sig);
  else if (scheme.type === 'pss') {
    const opts = { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: HASH_LENGTH[scheme.hash] };
    call = (data, sig) => node.verify(hash, data, opts, sig);
  } else call = (data, sig) => node.verify(hash, data, key, sig);
  // OpenSSL answers false for a bad signature; it throws only for input it cannot handle (an
  // unparsable DER signature, or a runtime whose node:crypto emulation lacks this scheme). Those
  // go to the portable path, which decides for itself.
  let fallback: Promise<BoundVerifier> | undefined;
  return (data, sig) => {
    try {
      return call(data, sig);
    } catch {
      fallback ??= webCryptoVerifier(material, scheme).then(
        (bound) => bound ?? ((d: Uint8Array, s: Uint8Array) => nobleVerify(material, scheme, d, s)),
      );
      return fallback.then((bound) => bound(data, sig));
    }
  };
}

/** One verification with Node's crypto and an inline JWK; throws where `nodeVerifier` would fall back. */
function nodeVerifyOnce(
  node: NodeCryptoLike,
  material: PublicKeyMaterial,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const key = jwkOf(material);
  const hash = NODE_HASH[scheme.hash];
  if (material.type === 'ec') return node.verify(hash, data, { key, format: 'jwk', dsaEncoding: 'der' }, signature);
  if (material.type === 'okp') return node.verify(null, data, { key, format: 'jwk' }, signature);
  if (scheme.type === 'pss')
    return node.verify(
      hash,
      data,
      { key, format: 'jwk', padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: HASH_LENGTH[scheme.hash] },
      signature,
    );
  return node.verify(hash, data, { key, format: 'jwk' }, signature);
}

async function webCryptoVerifier(material: PublicKeyMaterial, scheme: SignatureScheme): Promise<BoundVerifier | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  let key: CryptoKey;
  let params: VerifyParams;
  try {
    if (material.type === 'ec') {
      key = await subtle.importKey(
        'raw',
        toBuffer(material.point),
        { name: 'ECDSA', namedCurve: CURVE_NAME[material.crv] as string },
        false,
        ['verify'],
      );
      params = { name: 'ECDSA', hash: scheme.hash };
    } else if (material.type === 'okp') {
      key = await subtle.importKey('raw', toBuffer(material.x), { name: 'Ed25519' }, false, ['verify']);
      params = { name: 'Ed25519' };
    } else {
      const name = scheme.type === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
      key = await subtle.importKey('jwk', { ...jwkOf(material), ext: true }, { name, hash: scheme.hash }, false, [
        'verify',
      ]);
      params = scheme.type === 'pss' ? { name, saltLength: HASH_LENGTH[scheme.hash] } : { name };
    }
  } catch {
    // The runtime lacks this algorithm (or refuses the key): the caller falls back to noble.
    return null;
  }
  const size = material.type === 'ec' ? (EC_FIELD_BYTES[material.crv] as number) : 0;
  return async (data, signature) => {
    let sig = signature;
    if (size > 0) {
      try {
        // WebCrypto wants IEEE P1363 r || s; high-S values are kept (both forms are valid).
        sig = derSignatureToP1363(signature, size);
      } catch {
        return false;
      }
    }
    try {
      return await subtle.verify(params, key, toBuffer(sig), toBuffer(data));
    } catch {
      return false;
    }
  };
}

function usesNativeBackend(material: PublicKeyMaterial, scheme: SignatureScheme): boolean {
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
  // RSA without a native backend, or a key/scheme mismatch.
  throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `no implementation for ${scheme.type} with a ${material.type} key`);
}

function cacheKeyOf(material: PublicKeyMaterial, scheme: SignatureScheme): string {
  const head = `${scheme.type}:${scheme.hash}:${material.type}:`;
  if (material.type === 'ec') return head + material.crv + bytesKey(material.point);
  if (material.type === 'okp') return head + material.crv + bytesKey(material.x);
  return `${head}${bytesKey(material.e)}|${bytesKey(material.n)}`;
}

async function bind(material: PublicKeyMaterial, scheme: SignatureScheme): Promise<BoundVerifier> {
  const node = getNodeCrypto();
  const bound = (node && nodeVerifier(node, material, scheme)) ?? (await webCryptoVerifier(material, scheme));
  return bound ?? ((data, signature) => nobleVerify(material, scheme, data, signature));
}

/**
 * Verifies a signature made by `material` under `scheme`. ECDSA signatures are DER (as WebAuthn
 * sends them); high-S values are accepted. Returns `false` for a signature that does not verify,
 * including one that is not even well-formed. Backends: Node's native crypto when the runtime
 * offers it through `process.getBuiltinModule`, else WebCrypto, else noble; noble always for
 * secp256k1, Ed448 and curve/hash pairs other than P-256/SHA-256, P-384/SHA-384, P-521/SHA-512.
 *
 * @param cache - Keep the bound key in the bounded cache (default true; pass false for keys seen once).
 * @param cacheKey - The cache key of `material` and `scheme` when the caller already has it.
 */
export async function verifySignature(
  material: PublicKeyMaterial,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
  cache = true,
  cacheKey?: string,
): Promise<boolean> {
  if (!usesNativeBackend(material, scheme)) return nobleVerify(material, scheme, data, signature);
  if (!cache) {
    // A key used once: hand Node the JWK with the signature (no KeyObject to build and drop).
    const node = getNodeCrypto();
    if (node) {
      try {
        return nodeVerifyOnce(node, material, scheme, data, signature);
      } catch {
        // Input Node cannot handle: the general path below decides, as it would have.
      }
    }
  }
  let verifier: BoundVerifier | undefined;
  if (cache) {
    const id = cacheKey ?? cacheKeyOf(material, scheme);
    verifier = verifierCache.get(id);
    if (!verifier) {
      verifier = await bind(material, scheme);
      verifierCache.set(id, verifier);
    }
  } else verifier = await bind(material, scheme);
  return verifier(data, signature);
}

/**
 * Verifies a WebAuthn signature with a credential's COSE public key (the key's own `alg`).
 *
 * @param key - A key from `parseCoseKey`.
 * @param data - The signed bytes (for assertions: `authData || SHA-256(clientDataJSON)`).
 * @param signature - The signature as the authenticator sent it (DER for ECDSA).
 * @param cache - Keep the imported key in a bounded cache keyed by the key bytes (default `true`;
 * pass `false` for a key that is seen once, such as a new credential's during registration).
 * @returns `true` when the signature verifies, `false` otherwise.
 * @throws {@link WebAuthnError} `ERR_UNSUPPORTED_ALG` when the runtime cannot verify the algorithm.
 * @example
 * ```ts
 * const ok = await verifyWithCoseKey(parseCoseKey(publicKey), signedData, signature);
 * ```
 */
export async function verifyWithCoseKey(
  key: CoseKey,
  data: Uint8Array,
  signature: Uint8Array,
  cache = true,
): Promise<boolean> {
  let bound = coseKeyMemo.get(key);
  if (!bound) {
    const scheme = schemeOfCoseAlg(key.alg);
    if (!scheme) throw new WebAuthnError('ERR_UNSUPPORTED_ALG', `COSE alg ${key.alg} is not supported`);
    const material = materialOfCoseKey(key);
    // A key verified once and not cached (a new credential's) is not remembered either.
    if (!cache) return verifySignature(material, scheme, data, signature, false);
    bound = { material, scheme, id: cacheKeyOf(material, scheme) };
    coseKeyMemo.set(key, bound);
  }
  return verifySignature(bound.material, bound.scheme, data, signature, cache, bound.id);
}

/** Key material and scheme per parsed COSE key object (stored keys are parsed once and reused). */
const coseKeyMemo = /* @__PURE__ */ new WeakMap<
  CoseKey,
  { readonly material: PublicKeyMaterial; readonly scheme: SignatureScheme; readonly id: string }
>();

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
