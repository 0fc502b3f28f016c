/**
 * Compact JWS (RFC 7515 §7.1) reading for the two JWTs this package meets: the FIDO MDS3 BLOB and
 * the SafetyNet attestation response. Structure only: the caller verifies the signature with the
 * key of the `x5c` leaf, through {@link jwsSignatureInput}. Not public.
 */
import { base64urlToBytes, bytesToUtf8, utf8ToBytes } from '@keyward/internal';
import { COSE_ALG } from '../cose/constants.ts';
import { encodeTlv, encodeUnsignedInteger } from '../internal/der.ts';
import { fail, guard, malformed } from '../internal/errors.ts';

/** A compact JWS split and decoded (header and payload as JSON objects). */
export interface CompactJws {
  /** The decoded protected header. */
  readonly header: Record<string, unknown>;
  /** The decoded payload. */
  readonly payload: Record<string, unknown>;
  /** The bytes the signature covers: ASCII of `base64url(header) || '.' || base64url(payload)`. */
  readonly signingInput: Uint8Array;
  /** The raw signature bytes. */
  readonly signature: Uint8Array;
  /** The `x5c` header as DER certificates, leaf first (empty when absent). */
  readonly x5c: Uint8Array[];
}

/** Upper bound on a compact JWS we accept (an MDS3 BLOB is about 5 MB today). */
export const MAX_JWS_LENGTH: number = 64 * 1024 * 1024;

function decodePart(part: string, what: string): Uint8Array {
  // RFC 7515 §2: base64url without padding, strictly (no '+', '/', '=' variants of the same bytes).
  const bytes = /^[A-Za-z0-9_-]*$/.test(part) ? base64urlToBytes(part) : undefined;
  if (bytes === undefined) throw malformed(`${what} is not base64url`);
  return bytes;
}

function jsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  const value: unknown = guard(`${what} JSON`, () => JSON.parse(bytesToUtf8(bytes)));
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Decodes standard base64 (RFC 4648 §4, with or without `=` padding), as JWS `x5c` uses it
 * (RFC 7515 §4.1.6) and as metadata statements carry certificates.
 *
 * @throws `ERR_MALFORMED` for anything else.
 */
export function standardBase64ToBytes(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw malformed(`${what} is not base64`);
  const unpadded = text.replace(/=+$/, '');
  if (text.length !== unpadded.length && text.length % 4 !== 0) throw malformed(`${what} has bad base64 padding`);
  const bytes = base64urlToBytes(unpadded.replace(/\+/g, '-').replace(/\//g, '_'));
  if (bytes === undefined) throw malformed(`${what} is not base64`);
  return bytes;
}

/**
 * Splits and decodes a compact JWS. Critical header parameters are refused (RFC 7515 §4.1.11:
 * none is understood here).
 *
 * @throws `ERR_MALFORMED` for anything that is not a compact JWS with JSON header and payload.
 */
export function parseCompactJws(jws: unknown, what: string): CompactJws {
  if (typeof jws !== 'string') throw malformed(`${what} must be a string`);
  if (jws.length > MAX_JWS_LENGTH) throw malformed(`${what} is longer than ${MAX_JWS_LENGTH} characters`);
  const parts = jws.trim().split('.');
  if (parts.length !== 3) throw malformed(`${what}: expected 3 dot-separated parts, found ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  const header = jsonObject(decodePart(h, `${what} header`), `${what} header`);
  const payload = jsonObject(decodePart(p, `${what} payload`), `${what} payload`);
  const signature = decodePart(s, `${what} signature`);
  if (header.crit !== undefined) throw malformed(`${what}: critical header parameters are not supported`);
  let x5c: Uint8Array[] = [];
  if (header.x5c !== undefined) {
    if (!Array.isArray(header.x5c) || header.x5c.length === 0 || header.x5c.length > 16) {
      throw malformed(`${what}: x5c must be a non-empty array of at most 16 certificates`);
    }
    x5c = header.x5c.map((cert: unknown, i: number) => standardBase64ToBytes(cert, `${what} x5c[${i}]`));
  }
  return { header, payload, signingInput: utf8ToBytes(`${h}.${p}`), signature, x5c };
}

/** JWS `alg` names (RFC 7518 §3.1, RFC 8037) mapped to the COSE algorithm of the same scheme. */
const JWS_ALG_TO_COSE: Readonly<Record<string, number>> = {
  RS256: COSE_ALG.RS256,
  RS384: COSE_ALG.RS384,
  RS512: COSE_ALG.RS512,
  PS256: COSE_ALG.PS256,
  PS384: COSE_ALG.PS384,
  PS512: COSE_ALG.PS512,
  ES256: COSE_ALG.ES256,
  ES384: COSE_ALG.ES384,
  ES512: COSE_ALG.ES512,
  EdDSA: COSE_ALG.EdDSA,
};

/** Byte length of each of r and s in a JWS ECDSA signature (RFC 7518 §3.4). */
const JWS_EC_COMPONENT: Readonly<Record<string, number>> = { ES256: 32, ES384: 48, ES512: 66 };

/**
 * The COSE algorithm and the signature in the form `verifyWithSpki` takes (ECDSA: DER, converted
 * from the JWS `r || s` form).
 *
 * @throws `ERR_UNSUPPORTED_ALG` for `none`, HMAC or an unknown `alg`; `ERR_MALFORMED` for an ECDSA
 * signature of the wrong length.
 */
export function jwsSignatureInput(jws: CompactJws, what: string): { coseAlg: number; signature: Uint8Array } {
  const alg = jws.header.alg;
  const coseAlg = typeof alg === 'string' && Object.hasOwn(JWS_ALG_TO_COSE, alg) ? JWS_ALG_TO_COSE[alg] : undefined;
  if (coseAlg === undefined) throw fail('ERR_UNSUPPORTED_ALG', `${what}: unsupported JWS alg ${JSON.stringify(alg)}`);
  const size = JWS_EC_COMPONENT[alg as string];
  if (size === undefined) return { coseAlg, signature: jws.signature };
  if (jws.signature.length !== size * 2) {
    throw malformed(`${what}: ${alg} signature must be ${size * 2} bytes, found ${jws.signature.length}`);
  }
  const r = jws.signature.subarray(0, size);
  const s = jws.signature.subarray(size);
  return { coseAlg, signature: encodeTlv(0x30, encodeUnsignedInteger(r), encodeUnsignedInteger(s)) };
}
