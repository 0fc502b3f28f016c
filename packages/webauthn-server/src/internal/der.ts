/**
 * A minimal, strict DER walker and encoder for the few structures read on the hot path (ECDSA
 * signatures, SubjectPublicKeyInfo). Every failure is `ERR_MALFORMED`. Not public.
 */
import { malformed } from './errors.ts';

/** One DER TLV: tag byte, where its value starts and ends. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first value byte. */
  readonly valueStart: number;
  /** Offset just past the value. */
  readonly end: number;
}

/** Reads the TLV at `offset` (single-byte tags only, definite lengths, at most 4 length bytes). */
export function readTlv(bytes: Uint8Array, offset: number, limit: number = bytes.length): Tlv {
  if (offset + 2 > limit) throw malformed(`DER: truncated header at offset ${offset}`);
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw malformed(`DER: multi-byte tag at offset ${offset}`);
  let length = bytes[offset + 1] as number;
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw malformed(`DER: unsupported length form at offset ${offset}`);
    if (pos + count > limit) throw malformed(`DER: truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] as number);
    if (length < 128 || (count > 1 && bytes[pos] === 0)) throw malformed(`DER: non-minimal length at offset ${offset}`);
    pos += count;
  }
  if (length > limit - pos)
    throw malformed(`DER: value at offset ${offset} declares ${length} bytes, ${limit - pos} left`);
  return { tag, start: offset, valueStart: pos, end: pos + length };
}

/** Reads the TLV at `offset` and checks its tag. */
export function expectTlv(bytes: Uint8Array, offset: number, tag: number, what: string, limit?: number): Tlv {
  const tlv = readTlv(bytes, offset, limit);
  if (tlv.tag !== tag)
    throw malformed(`DER: ${what} expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** Reads the children of a constructed TLV. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.valueStart;
  while (pos < parent.end) {
    const child = readTlv(bytes, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Value bytes of a TLV (a view). */
export function value(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.valueStart, tlv.end);
}

/** Dotted string of an OBJECT IDENTIFIER's value bytes. */
export function oidToString(v: Uint8Array): string {
  if (v.length === 0) throw malformed('DER: empty OBJECT IDENTIFIER');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) throw malformed('DER: OBJECT IDENTIFIER arc too large');
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    } else if (i === v.length - 1) throw malformed('DER: truncated OBJECT IDENTIFIER');
  }
  return parts.join('.');
}

function encodeLength(length: number): Uint8Array {
  if (length < 128) return Uint8Array.of(length);
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** Encodes one TLV. */
export function encodeTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const header = encodeLength(length);
  const out = new Uint8Array(1 + header.length + length);
  out[0] = tag;
  out.set(header, 1);
  let pos = 1 + header.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Encodes an unsigned big-endian integer as a DER INTEGER (leading zeros stripped, sign byte added). */
export function encodeUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return (trimmed[0] as number) & 0x80 ? encodeTlv(0x02, Uint8Array.of(0), trimmed) : encodeTlv(0x02, trimmed);
}

/** Encodes a dotted OID string (arcs below 2^53) as a DER OBJECT IDENTIFIER. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const body: number[] = [];
  const push = (n: number): void => {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    body.push(...chunk);
  };
  push((arcs[0] as number) * 40 + (arcs[1] as number));
  for (const arc of arcs.slice(2)) push(arc);
  return encodeTlv(0x06, Uint8Array.from(body));
}

/**
 * Converts a DER ECDSA signature (SEQUENCE { r INTEGER, s INTEGER }) to IEEE P1363 `r || s` with
 * each integer left-padded to `size` bytes. Rejects trailing bytes, negative or over-long integers.
 * High-S values are kept as they are (both forms are valid ECDSA).
 */
export function derSignatureToP1363(sig: Uint8Array, size: number): Uint8Array {
  const seq = expectTlv(sig, 0, 0x30, 'ECDSA signature');
  if (seq.end !== sig.length) throw malformed('DER: trailing bytes after ECDSA signature');
  const out = new Uint8Array(size * 2);
  let pos = seq.valueStart;
  for (let k = 0; k < 2; k++) {
    const int = expectTlv(sig, pos, 0x02, 'ECDSA signature integer', seq.end);
    let v = value(sig, int);
    if (v.length === 0 || ((v[0] as number) & 0x80) !== 0) throw malformed('DER: ECDSA integer empty or negative');
    if (v.length > 1 && v[0] === 0 && ((v[1] as number) & 0x80) === 0)
      throw malformed('DER: ECDSA integer not minimal');
    if (v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw malformed(`DER: ECDSA integer of ${v.length} bytes exceeds ${size}`);
    out.set(v, k * size + size - v.length);
    pos = int.end;
  }
  if (pos !== seq.end) throw malformed('DER: extra elements in ECDSA signature');
  return out;
}
