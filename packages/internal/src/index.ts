/**
 * Helpers shared by Keyward packages. Private: bundled into each user by tsup, never published,
 * never named in a built `.d.ts`.
 *
 * @packageDocumentation
 */
export { base64urlToBytes, bytesToBase64url, isBase64url } from './base64url.ts';
export {
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  equalBytes,
  hexToBytes,
  randomBytes,
  timingSafeEqual,
  toPlainBytes,
  utf8ToBytes,
} from './bytes.ts';
export { CBOR_MAX_DEPTH, cborItemEnd, decodeCbor, decodeCborPrefix, encodeCanonicalCbor, encodeCbor } from './cbor.ts';
export { ByteReader } from './reader.ts';
