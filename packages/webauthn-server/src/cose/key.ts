/** COSE_Key parsing (RFC 9052 §7, RFC 9053 §7) with strict alg/curve checks and point validation. */
import { bytesToBase64url } from '@keyward/internal';
import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { isValidEcPoint } from '../crypto/point.ts';
import { WebAuthnError } from '../errors.ts';
import { cborDecode } from '../internal/cbor.ts';
import { encodeOid, encodeTlv, encodeUnsignedInteger } from '../internal/der.ts';
import { malformed } from '../internal/errors.ts';
import { COSE_ALG, COSE_CRV, COSE_KTY } from './constants.ts';

/** An EC2 public key (ECDSA). */
export interface CoseEc2Key {
  /** Key type: EC2. */
  readonly kty: 2;
  /** COSE algorithm (ES256, ES384, ES512, ESP256/384/512 or ES256K). */
  readonly alg: number;
  /** Curve: P-256 (1), P-384 (2), P-521 (3) or secp256k1 (8). */
  readonly crv: 1 | 2 | 3 | 8;
  /** x coordinate, big-endian, field size. */
  readonly x: Uint8Array;
  /** y coordinate, big-endian, field size. */
  readonly y: Uint8Array;
}

/** An OKP public key (EdDSA). */
export interface CoseOkpKey {
  /** Key type: OKP. */
  readonly kty: 1;
  /** COSE algorithm (EdDSA, Ed25519 or Ed448). */
  readonly alg: number;
  /** Curve: Ed25519 (6) or Ed448 (7). */
  readonly crv: 6 | 7;
  /** The encoded public key. */
  readonly x: Uint8Array;
}

/** An RSA public key. */
export interface CoseRsaKey {
  /** Key type: RSA. */
  readonly kty: 3;
  /** COSE algorithm (RS256/384/512, PS256/384/512 or RS1). */
  readonly alg: number;
  /** Modulus, big-endian without leading zeros. */
  readonly n: Uint8Array;
  /** Public exponent, big-endian without leading zeros. */
  readonly e: Uint8Array;
}

/** A parsed, validated COSE public key. */
export type CoseKey = CoseEc2Key | CoseOkpKey | CoseRsaKey;

const EC_ALG_CURVE: ReadonlyMap<number, number> = /* @__PURE__ */ new Map([
  [COSE_ALG.ES256, COSE_CRV.P256],
  [COSE_ALG.ESP256, COSE_CRV.P256],
  [COSE_ALG.ES384, COSE_CRV.P384],
  [COSE_ALG.ESP384, COSE_CRV.P384],
  [COSE_ALG.ES512, COSE_CRV.P521],
  [COSE_ALG.ESP512, COSE_CRV.P521],
  [COSE_ALG.ES256K, COSE_CRV.secp256k1],
]);
const RSA_ALGS: ReadonlySet<number> = /* @__PURE__ */ new Set([
  COSE_ALG.PS256,
  COSE_ALG.PS384,
  COSE_ALG.PS512,
  COSE_ALG.RS256,
  COSE_ALG.RS384,
  COSE_ALG.RS512,
  COSE_ALG.RS1,
]);
/** Field sizes in bytes per EC2 curve. */
export const EC_FIELD_BYTES: Readonly<Record<number, number>> = { 1: 32, 2: 48, 3: 66, 8: 32 };
/** Smallest RSA modulus accepted, in bits. */
const RSA_MIN_BITS = 2048;
/** Largest RSA modulus accepted, in bits (bounds the cost of a verification). */
const RSA_MAX_BITS = 8192;

function unsupported(message: string): WebAuthnError {
  return new WebAuthnError('ERR_UNSUPPORTED_ALG', message);
}

function bytesField(map: Map<unknown, unknown>, label: number, what: string): Uint8Array {
  const v = map.get(label);
  if (!(v instanceof Uint8Array)) throw malformed(`COSE key: ${what} (label ${label}) must be a byte string`);
  return v;
}

/**
 * Builds a {@link CoseKey} from a decoded COSE_Key map (integer labels), checking that the key type
 * and curve match the algorithm and that the point is on its curve.
 *
 * @param map - The decoded CBOR map.
 * @returns The validated key.
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for a missing or mistyped field or an invalid point;
 * `ERR_UNSUPPORTED_ALG` for an unknown algorithm or a key type/curve that does not match it.
 */
export function coseKeyFromMap(map: unknown): CoseKey {
  if (!(map instanceof Map)) throw malformed('COSE key must be a CBOR map');
  const kty = map.get(1);
  const alg = map.get(3);
  if (typeof kty !== 'number') throw malformed('COSE key: kty (label 1) must be an integer');
  if (typeof alg !== 'number' || !Number.isInteger(alg)) throw malformed('COSE key: alg (label 3) must be an integer');
  if (kty === COSE_KTY.EC2) {
    const expectedCrv = EC_ALG_CURVE.get(alg);
    if (expectedCrv === undefined) throw unsupported(`COSE key: alg ${alg} is not an EC2 algorithm`);
    const crv = map.get(-1);
    if (crv !== expectedCrv) throw unsupported(`COSE key: alg ${alg} needs curve ${expectedCrv}, found ${String(crv)}`);
    const size = EC_FIELD_BYTES[crv] as number;
    const x = bytesField(map, -2, 'x');
    const y = bytesField(map, -3, 'y');
    if (x.length !== size || y.length !== size)
      throw malformed(`COSE key: EC2 coordinates must be ${size} bytes, found ${x.length}/${y.length}`);
    const point = new Uint8Array(1 + 2 * size);
    point[0] = 4;
    point.set(x, 1);
    point.set(y, 1 + size);
    if (!isValidEcPoint(crv, point, size)) throw malformed('COSE key: EC2 point is not on its curve');
    return { kty: 2, alg, crv: crv as 1 | 2 | 3 | 8, x: x.slice(), y: y.slice() };
  }
  if (kty === COSE_KTY.OKP) {
    const crv = map.get(-1);
    const okAlg =
      (crv === COSE_CRV.Ed25519 && (alg === COSE_ALG.EdDSA || alg === COSE_ALG.Ed25519)) ||
      (crv === COSE_CRV.Ed448 && (alg === COSE_ALG.EdDSA || alg === COSE_ALG.Ed448));
    if (!okAlg) throw unsupported(`COSE key: OKP curve ${String(crv)} with alg ${alg} is not supported`);
    const x = bytesField(map, -2, 'x');
    const size = crv === COSE_CRV.Ed25519 ? 32 : 57;
    if (x.length !== size) throw malformed(`COSE key: OKP key must be ${size} bytes, found ${x.length}`);
    try {
      (crv === COSE_CRV.Ed25519 ? ed25519 : ed448).Point.fromBytes(x);
    } catch (cause) {
      throw malformed('COSE key: OKP point does not decode', cause);
    }
    return { kty: 1, alg, crv: crv as 6 | 7, x: x.slice() };
  }
  if (kty === COSE_KTY.RSA) {
    if (!RSA_ALGS.has(alg)) throw unsupported(`COSE key: alg ${alg} is not an RSA algorithm`);
    let n = bytesField(map, -1, 'n');
    let e = bytesField(map, -2, 'e');
    while (n.length > 0 && n[0] === 0) n = n.subarray(1);
    while (e.length > 0 && e[0] === 0) e = e.subarray(1);
    const bits = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0] as number));
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
      throw unsupported(`COSE key: RSA modulus of ${bits} bits is outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`);
    if (e.length === 0 || e.length > 8 || ((e[e.length - 1] as number) & 1) === 0 || (e.length === 1 && e[0] === 1))
      throw malformed('COSE key: RSA exponent must be odd and greater than 1');
    return { kty: 3, alg, n: n.slice(), e: e.slice() };
  }
  throw unsupported(`COSE key: key type ${kty} is not supported`);
}

/**
 * Parses a COSE_Key (as stored for a credential) and validates it.
 *
 * @param bytes - The CBOR-encoded COSE_Key, nothing after it.
 * @returns The validated key.
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for bad CBOR or fields, `ERR_UNSUPPORTED_ALG` for
 * an unknown algorithm or a curve that does not match it.
 * @example
 * ```ts
 * const key = parseCoseKey(credential.publicKey);
 * if (key.kty === 2) console.log(key.crv);
 * ```
 */
export function parseCoseKey(bytes: Uint8Array): CoseKey {
  if (!(bytes instanceof Uint8Array)) throw malformed('COSE key must be a Uint8Array');
  return coseKeyFromMap(cborDecode(bytes));
}

/** A JSON Web Key (RFC 7517) for a public key. */
export interface PublicKeyJwk {
  /** `EC`, `OKP` or `RSA`. */
  readonly kty: 'EC' | 'OKP' | 'RSA';
  /** Curve name for EC and OKP keys. */
  readonly crv?: string;
  /** x coordinate or OKP public key (base64url). */
  readonly x?: string;
  /** y coordinate (base64url). */
  readonly y?: string;
  /** RSA modulus (base64url). */
  readonly n?: string;
  /** RSA exponent (base64url). */
  readonly e?: string;
  /** JOSE algorithm name. */
  readonly alg?: string;
}

const JOSE_ALG: Readonly<Record<number, string>> = {
  [-7]: 'ES256',
  [-9]: 'ES256',
  [-35]: 'ES384',
  [-51]: 'ES384',
  [-36]: 'ES512',
  [-52]: 'ES512',
  [-47]: 'ES256K',
  [-8]: 'EdDSA',
  [-19]: 'Ed25519',
  [-53]: 'Ed448',
  [-37]: 'PS256',
  [-38]: 'PS384',
  [-39]: 'PS512',
  [-257]: 'RS256',
  [-258]: 'RS384',
  [-259]: 'RS512',
  [-65535]: 'RS1',
};
const EC_CRV_NAME: Readonly<Record<number, string>> = { 1: 'P-256', 2: 'P-384', 3: 'P-521', 8: 'secp256k1' };

/**
 * Exports a COSE key as a JWK.
 *
 * @param key - A key from {@link parseCoseKey}.
 * @returns The public JWK, with `alg` set to the JOSE name of the COSE algorithm.
 * @example
 * ```ts
 * const jwk = coseKeyToJwk(parseCoseKey(credential.publicKey));
 * ```
 */
export function coseKeyToJwk(key: CoseKey): PublicKeyJwk {
  const alg = JOSE_ALG[key.alg] as string;
  if (key.kty === 2)
    return {
      kty: 'EC',
      crv: EC_CRV_NAME[key.crv] as string,
      x: bytesToBase64url(key.x),
      y: bytesToBase64url(key.y),
      alg,
    };
  if (key.kty === 1) return { kty: 'OKP', crv: key.crv === 6 ? 'Ed25519' : 'Ed448', x: bytesToBase64url(key.x), alg };
  return { kty: 'RSA', n: bytesToBase64url(key.n), e: bytesToBase64url(key.e), alg };
}

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const EC_CURVE_OID: Readonly<Record<number, string>> = {
  1: '1.2.840.10045.3.1.7',
  2: '1.3.132.0.34',
  3: '1.3.132.0.35',
  8: '1.3.132.0.10',
};

/** Uncompressed SEC1 point `04 || x || y` of an EC2 key. */
export function ec2Point(key: CoseEc2Key): Uint8Array {
  const out = new Uint8Array(1 + key.x.length + key.y.length);
  out[0] = 4;
  out.set(key.x, 1);
  out.set(key.y, 1 + key.x.length);
  return out;
}

/**
 * Exports a COSE key as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), the form most crypto
 * APIs and PEM files use.
 *
 * @param key - A key from {@link parseCoseKey}.
 * @returns The DER-encoded SPKI.
 * @example
 * ```ts
 * const spki = coseKeyToSpki(parseCoseKey(credential.publicKey));
 * ```
 */
export function coseKeyToSpki(key: CoseKey): Uint8Array {
  let algId: Uint8Array;
  let bits: Uint8Array;
  if (key.kty === 2) {
    algId = encodeTlv(0x30, encodeOid(OID_EC_PUBLIC_KEY), encodeOid(EC_CURVE_OID[key.crv] as string));
    bits = ec2Point(key);
  } else if (key.kty === 1) {
    algId = encodeTlv(0x30, encodeOid(key.crv === 6 ? '1.3.101.112' : '1.3.101.113'));
    bits = key.x;
  } else {
    algId = encodeTlv(0x30, encodeOid('1.2.840.113549.1.1.1'), Uint8Array.of(0x05, 0x00));
    bits = encodeTlv(0x30, encodeUnsignedInteger(key.n), encodeUnsignedInteger(key.e));
  }
  return encodeTlv(0x30, algId, encodeTlv(0x03, Uint8Array.of(0), bits));
}
