/**
 * A base64url decoder for the hot path (four characters per step). Same rules as the shared one:
 * unpadded base64url, padding and the standard alphabet tolerated, non-zero leftover bits refused.
 * Not public.
 */

const LOOKUP = /* @__PURE__ */ (() => {
  const table = new Uint8Array(256).fill(0xff);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  table[43] = 62; // '+'
  table[47] = 63; // '/'
  return table;
})();

interface BufferLike {
  from(text: string, encoding: 'base64url'): Uint8Array;
}

/**
 * The runtime's native decoder where one exists (Node, Bun: `Buffer`), found by feature detection,
 * never imported. It is lenient, so the text is validated first; the result is re-viewed as a plain
 * `Uint8Array`.
 */
const NATIVE: BufferLike | undefined = /* @__PURE__ */ (() => {
  const candidate = (globalThis as { Buffer?: Partial<BufferLike> }).Buffer;
  return typeof candidate?.from === 'function' ? (candidate as BufferLike) : undefined;
})();
const SHAPE = /^[A-Za-z0-9_\-+/]*={0,2}$/;

/** Decodes base64url text, or returns `undefined` for anything that is not canonical base64(url). */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (NATIVE !== undefined && text.length > 64) {
    if (!SHAPE.test(text)) return undefined;
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
    const rest = end % 4;
    if (rest === 1) return undefined;
    if (rest > 1) {
      // Leftover bits of the last character must be zero (canonical encoding).
      const last = LOOKUP[text.charCodeAt(end - 1)] as number;
      if (last & (rest === 2 ? 0x0f : 0x03)) return undefined;
    }
    const decoded = NATIVE.from(text, 'base64url');
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  }
  return decodePortable(text);
}

/** The portable decoder (exported for tests). */
export function decodePortable(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.length - end > 2 || end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  const full = end - (end % 4);
  let o = 0;
  let bad = 0;
  for (let i = 0; i < full; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    // Characters above 255 map to 0xff through the `| 0xff` of the check below.
    const a = LOOKUP[c0 & 0xff] as number;
    const b = LOOKUP[c1 & 0xff] as number;
    const c = LOOKUP[c2 & 0xff] as number;
    const d = LOOKUP[c3 & 0xff] as number;
    bad |= a | b | c | d | ((c0 | c1 | c2 | c3) & 0xff00);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (bad & 0xffc0) return undefined;
  const rest = end - full;
  if (rest > 0) {
    let n = 0;
    for (let i = full; i < end; i++) {
      const code = text.charCodeAt(i);
      const v = code < 256 ? (LOOKUP[code] as number) : 0xff;
      if (v === 0xff) return undefined;
      n = (n << 6) | v;
    }
    if (rest === 2) {
      if (n & 0x0f) return undefined;
      out[o++] = n >> 4;
    } else {
      if (n & 0x03) return undefined;
      out[o++] = n >> 10;
      out[o++] = (n >> 2) & 0xff;
    }
  }
  return out;
}
