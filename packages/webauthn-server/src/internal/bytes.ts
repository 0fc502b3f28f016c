/** Byte helpers bound to this package's errors. Not public. */
import { ByteReader, bytesToHex } from '@keyward/internal';
import { decodeBase64url } from './base64url.ts';
import { malformed } from './errors.ts';

/** Decodes a base64url field of the response, or throws `ERR_MALFORMED` naming it. */
export function decodeB64url(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw malformed(`${what} must be a base64url string, got ${typeof value}`);
  const bytes = decodeBase64url(value);
  if (bytes === undefined) throw malformed(`${what} is not valid base64url`);
  return bytes;
}

/** A `ByteReader` whose failures are `ERR_MALFORMED`. */
export function reader(bytes: Uint8Array): ByteReader {
  return new ByteReader(bytes, (message) => malformed(message));
}

/** Latin-1 key of bytes, for cache maps (cheap, collision-free). */
export function bytesKey(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Formats a 16-byte AAGUID as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export function formatAaguid(aaguid: Uint8Array): string {
  if (aaguid.length !== 16) {
    const hex = bytesToHex(aaguid);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[aaguid[i] as number] as string;
  }
  return out;
}

/** Two lowercase hex digits per byte value. */
const HEX: readonly string[] = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
