/**
 * The one seam over cbor-x. Untrusted CBOR is first walked by {@link cborItemEnd}, which checks
 * every declared length against the bytes actually present (bounded memory, bounded depth, no
 * indefinite lengths), and only then handed to cbor-x. Any failure becomes the caller's error.
 */
import { Decoder, Encoder } from 'cbor-x';

const decoder = /* @__PURE__ */ new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = /* @__PURE__ */ new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  tagUint8Array: false,
  variableMapSize: true,
});

/** Deepest nesting accepted in untrusted CBOR. WebAuthn and CTAP2 structures need about 5. */
export const CBOR_MAX_DEPTH = 16;

/**
 * Returns the offset just past the single CBOR data item that starts at `offset`.
 *
 * @param fail - Builds the caller's `ERR_MALFORMED` error from a message.
 */
export function cborItemEnd(bytes: Uint8Array, offset: number, fail: (message: string) => Error, depth = 0): number {
  if (depth > CBOR_MAX_DEPTH) throw fail(`CBOR nested deeper than ${CBOR_MAX_DEPTH} at offset ${offset}`);
  if (offset >= bytes.length) throw fail(`CBOR item expected at offset ${offset}, input ends`);
  const initial = bytes[offset] as number;
  const major = initial >> 5;
  const info = initial & 0x1f;
  let pos = offset + 1;
  let arg: number;
  if (info < 24) arg = info;
  else if (info === 24 || info === 25 || info === 26 || info === 27) {
    const size = 1 << (info - 24);
    if (pos + size > bytes.length) throw fail(`CBOR header at offset ${offset} is truncated`);
    arg = 0;
    for (let i = 0; i < size; i++) arg = arg * 256 + (bytes[pos + i] as number);
    pos += size;
  } else {
    throw fail(`CBOR indefinite length or reserved additional info ${info} at offset ${offset}`);
  }
  switch (major) {
    case 0:
    case 1:
      return pos;
    case 2:
    case 3:
      if (arg > bytes.length - pos)
        throw fail(`CBOR string at offset ${offset} declares ${arg} bytes, ${bytes.length - pos} left`);
      return pos + arg;
    case 4:
    case 5: {
      const items = major === 5 ? arg * 2 : arg;
      // Every item takes at least one byte: refuse counts the input cannot hold before looping.
      if (items > bytes.length - pos)
        throw fail(`CBOR container at offset ${offset} declares ${items} items, ${bytes.length - pos} bytes left`);
      for (let i = 0; i < items; i++) pos = cborItemEnd(bytes, pos, fail, depth + 1);
      return pos;
    }
    case 6:
      return cborItemEnd(bytes, pos, fail, depth + 1);
    default:
      // major 7: simple values and floats; the header already covered their bytes.
      return pos;
  }
}

/**
 * Decodes exactly one CBOR item that must fill `bytes`. Maps stay `Map`s (integer keys survive),
 * byte strings are `Uint8Array`s.
 */
export function decodeCbor(bytes: Uint8Array, fail: (message: string, cause?: unknown) => Error): unknown {
  const end = cborItemEnd(bytes, 0, fail);
  if (end !== bytes.length) throw fail(`CBOR: ${bytes.length - end} unexpected trailing bytes at offset ${end}`);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw fail(`CBOR could not be decoded: ${(cause as Error)?.message ?? 'unknown error'}`, cause);
  }
}

/**
 * Decodes the first CBOR item of `bytes` and returns it with the offset where it ends, for
 * structures that carry CBOR followed by more data (the COSE key inside authenticatorData).
 */
export function decodeCborPrefix(
  bytes: Uint8Array,
  fail: (message: string, cause?: unknown) => Error,
): { value: unknown; end: number } {
  const end = cborItemEnd(bytes, 0, fail);
  return { value: decodeCbor(bytes.subarray(0, end), fail), end };
}

/** Encodes a value as CBOR. Byte arrays become byte strings (never tagged typed arrays). */
export function encodeCbor(value: unknown): Uint8Array {
  const out = encoder.encode(value);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  // CTAP2 canonical CBOR (CTAP 2.1 §8): shorter key first, then byte-wise.
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

function canonicalize(value: unknown): unknown {
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([k, v]) => [k, canonicalize(v), encodeCbor(k)] as const);
    entries.sort((x, y) => compareBytes(x[2], y[2]));
    return new Map(entries.map(([k, v]) => [k, v]));
  }
  if (Array.isArray(value)) return value.map(canonicalize);
  return value;
}

/**
 * Encodes a value in CTAP2 canonical CBOR: map keys sorted (length first, then bytes), minimal
 * integer encodings, definite lengths. Use `Map` for every map so integer keys stay integers.
 */
export function encodeCanonicalCbor(value: unknown): Uint8Array {
  return encodeCbor(canonicalize(value));
}
