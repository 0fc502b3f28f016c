/** The CBOR seam bound to this package's errors. Not public. */
import { decodeCbor, decodeCborPrefix } from '@keyward/internal';
import { malformed } from './errors.ts';

const failCbor = (message: string, cause?: unknown): Error => malformed(message, cause);

/** Decodes exactly one CBOR item filling `bytes` (maps stay `Map`s); `ERR_MALFORMED` otherwise. */
export function cborDecode(bytes: Uint8Array): unknown {
  return decodeCbor(bytes, failCbor);
}

/** Decodes the CBOR item at the start of `bytes` and returns it with its end offset. */
export function cborDecodePrefix(bytes: Uint8Array): { value: unknown; end: number } {
  return decodeCborPrefix(bytes, failCbor);
}
