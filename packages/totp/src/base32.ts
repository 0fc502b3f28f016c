/**
 * Base32 (RFC 4648 §6), the text form of TOTP secrets in enrolment URIs and manual entry.
 */
import { TotpError } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Character code → 5-bit value; -1 invalid, -2 ignored (whitespace). */
const LOOKUP = /* @__PURE__ */ (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 32; i++) {
    table[ALPHABET.charCodeAt(i)] = i;
    table[ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  for (const space of ' \t\r\n') table[space.charCodeAt(0)] = -2;
  return table;
})();

/** Options for {@link base32Encode}. */
export interface Base32EncodeOptions {
  /**
   * Appends `=` padding to a multiple of 8 characters (RFC 4648 §6). The Key Uri Format says
   * secrets are written without it.
   *
   * @defaultValue `false`
   */
  padding?: boolean;
}

/**
 * Encodes bytes as upper-case base32 (RFC 4648 §6), without padding unless asked.
 *
 * @param bytes - The bytes to encode.
 * @param options - Whether to pad.
 * @returns The base32 text.
 * @throws {@link TotpError} `ERR_INVALID_OPTIONS` when `bytes` is not a `Uint8Array`.
 * @example
 * ```ts
 * base32Encode(new TextEncoder().encode('12345678901234567890'));
 * // 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
 * ```
 */
export function base32Encode(bytes: Uint8Array, options: Base32EncodeOptions = {}): string {
  if (!(bytes instanceof Uint8Array)) throw new TotpError('ERR_INVALID_OPTIONS', 'base32Encode expects a Uint8Array');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  if (options.padding === true && out.length % 8 !== 0) out += '='.repeat(8 - (out.length % 8));
  return out;
}

/**
 * Decodes base32 (RFC 4648 §6) as people and apps write it: case-insensitive, padding optional,
 * spaces, tabs and line breaks ignored. Bits left over after the last whole byte are ignored.
 *
 * @param text - The base32 text.
 * @returns The decoded bytes.
 * @throws {@link TotpError} `ERR_INVALID_BASE32` when `text` is not a string, holds a character
 *   outside the alphabet (the message gives it and its position), has misplaced padding, or has a
 *   length no base32 encoding can have.
 * @example
 * ```ts
 * base32Decode('jbsw y3dp ehpk 3pxp'); // Uint8Array [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]
 * ```
 */
export function base32Decode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TotpError('ERR_INVALID_BASE32', 'base32 input must be a string');
  // Trailing padding (and whitespace around it) is optional.
  let end = text.length;
  let padding = 0;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c === 61 /* = */) padding++;
    else if (c >= 128 || LOOKUP[c] !== -2) break;
    end--;
  }
  const out = new Uint8Array(Math.floor((end * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let chars = 0;
  let length = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const value = c < 128 ? (LOOKUP[c] as number) : -1;
    if (value === -2) continue;
    if (value === -1) {
      const shown =
        c === 61
          ? "'=' (padding only goes at the end)"
          : JSON.stringify(String.fromCodePoint(text.codePointAt(i) as number));
      throw new TotpError(
        'ERR_INVALID_BASE32',
        `invalid base32 character ${shown} at position ${i} (expected A–Z or 2–7)`,
      );
    }
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    chars++;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (buffer >>> bits) & 0xff;
    }
  }
  // RFC 4648 §6: the last quantum has 2, 4, 5, 7 or 8 characters; 1, 3 and 6 cannot occur.
  const rest = chars % 8;
  if (rest === 1 || rest === 3 || rest === 6) {
    throw new TotpError('ERR_INVALID_BASE32', `invalid base32 length: ${chars} characters cannot encode whole bytes`);
  }
  if (padding > 0 && (rest === 0 || rest + padding !== 8)) {
    throw new TotpError('ERR_INVALID_BASE32', `invalid base32 padding: ${padding} '=' after ${chars} characters`);
  }
  return length === out.length ? out : out.slice(0, length);
}
