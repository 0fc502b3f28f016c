/**
 * A minimal strict DER walker with high tag numbers (the Android key description uses
 * context tags up to [719], which the package's single-byte-tag walker does not read). Definite
 * lengths only, minimal encodings only; every failure is `ERR_MALFORMED`. Not public.
 */
import { malformed } from '../internal/errors.ts';

/** Tag classes (X.690 §8.1.2.2). */
export const DER_CLASS = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

/** One DER element. */
export interface DerNode {
  /** Tag class (0 universal, 2 context-specific, ...). */
  readonly tagClass: number;
  /** Constructed (true) or primitive. */
  readonly constructed: boolean;
  /** Tag number. */
  readonly tag: number;
  /** Offset of the first content byte. */
  readonly valueStart: number;
  /** Offset just past the element. */
  readonly end: number;
}

/** Reads the element at `offset`, which must end by `limit`. */
export function readDerNode(bytes: Uint8Array, offset: number, limit: number, what: string): DerNode {
  let pos = offset;
  const next = (): number => {
    if (pos >= limit) throw malformed(`${what}: truncated DER at offset ${pos}`);
    return bytes[pos++] as number;
  };
  const first = next();
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    // X.690 §8.1.2.4: high tag number, base 128, no leading 0x80, at most 3 bytes here.
    tag = 0;
    for (let i = 0; ; i++) {
      const b = next();
      if (i === 0 && b === 0x80) throw malformed(`${what}: non-minimal tag at offset ${offset}`);
      if (i === 3) throw malformed(`${what}: tag number too large at offset ${offset}`);
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) throw malformed(`${what}: non-minimal tag at offset ${offset}`);
  }
  let length = next();
  if (length === 0x80) throw malformed(`${what}: indefinite length at offset ${offset}`);
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4) throw malformed(`${what}: length of ${count} bytes at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = next();
      if (i === 0 && b === 0) throw malformed(`${what}: non-minimal length at offset ${offset}`);
      length = length * 256 + b;
    }
    if (length < 0x80) throw malformed(`${what}: non-minimal length at offset ${offset}`);
  }
  if (length > limit - pos)
    throw malformed(`${what}: element at offset ${offset} declares ${length} bytes, ${limit - pos} left`);
  return { tagClass, constructed, tag, valueStart: pos, end: pos + length };
}

/** Parses the one element that must fill `bytes`. */
export function readDerRoot(bytes: Uint8Array, what: string): DerNode {
  const node = readDerNode(bytes, 0, bytes.length, what);
  if (node.end !== bytes.length) throw malformed(`${what}: ${bytes.length - node.end} trailing bytes`);
  return node;
}

/** The elements inside a constructed element. */
export function derChildren(bytes: Uint8Array, node: DerNode, what: string): DerNode[] {
  if (!node.constructed) throw malformed(`${what}: expected a constructed element`);
  const out: DerNode[] = [];
  for (let pos = node.valueStart; pos < node.end; ) {
    const child = readDerNode(bytes, pos, node.end, what);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** True for a universal element with tag `tag` (primitive unless `constructed`). */
export function isUniversal(node: DerNode | undefined, tag: number, constructed = false): node is DerNode {
  return (
    node !== undefined && node.tagClass === DER_CLASS.UNIVERSAL && node.tag === tag && node.constructed === constructed
  );
}

/** A non-negative INTEGER or ENUMERATED below 2^53. */
export function derSmallInteger(bytes: Uint8Array, node: DerNode | undefined, what: string): number {
  if (!(isUniversal(node, 2) || isUniversal(node, 10))) throw malformed(`${what}: expected INTEGER`);
  const v = bytes.subarray(node.valueStart, node.end);
  if (v.length === 0 || v.length > 7) throw malformed(`${what}: integer of ${v.length} bytes out of range`);
  if (((v[0] as number) & 0x80) !== 0) throw malformed(`${what}: negative integer`);
  if (v.length > 1 && v[0] === 0 && ((v[1] as number) & 0x80) === 0) throw malformed(`${what}: non-minimal integer`);
  let value = 0;
  for (const b of v) value = value * 256 + b;
  return value;
}

/** An OCTET STRING's content (a copy). */
export function derOctetString(bytes: Uint8Array, node: DerNode | undefined, what: string): Uint8Array {
  if (!isUniversal(node, 4)) throw malformed(`${what}: expected OCTET STRING`);
  return bytes.slice(node.valueStart, node.end);
}
