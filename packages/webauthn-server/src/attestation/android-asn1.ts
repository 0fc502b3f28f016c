/**
 * The asn1js seam of the attestation formats that read certificate extensions (`tpm`,
 * `android-key`, `apple`): strict DER parsing of one whole value with resource limits, and small
 * typed accessors. Anything asn1js throws or flags becomes `ERR_MALFORMED`. Not public.
 */
import { toPlainBytes } from '@keyward/internal';
import * as asn1js from 'asn1js';
import { guard, malformed } from '../internal/errors.ts';

/** An asn1js node. */
export type Asn1Node = asn1js.AsnType;

/** ASN.1 universal tag numbers used here. */
export const ASN1_TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  IA5_STRING: 22,
} as const;

/** asn1js tag classes. */
const UNIVERSAL = 1;
const CONTEXT = 3;

/**
 * Parses exactly one DER value filling `bytes`.
 *
 * @throws `ERR_MALFORMED` when the bytes are not one well-formed value.
 */
export function parseDer(bytes: Uint8Array, what: string): Asn1Node {
  return guard(what, () => {
    const input = toPlainBytes(bytes);
    const { offset, result } = asn1js.fromBER(input, { maxDepth: 32, maxNodes: 4096 });
    if (offset === -1 || result.error !== '')
      throw malformed(`${what}: not valid DER (${result.error || 'parse error'})`);
    if (offset !== bytes.length)
      throw malformed(`${what}: ${bytes.length - offset} trailing bytes after the DER value`);
    return result;
  });
}

/** The children of a constructed node (SEQUENCE, SET, explicit tag); `undefined` for a primitive. */
function childrenOf(node: Asn1Node): Asn1Node[] | undefined {
  const value = (node.valueBlock as { value?: unknown }).value;
  return node.idBlock.isConstructed && Array.isArray(value) ? (value as Asn1Node[]) : undefined;
}

/** True when `node` has universal tag `tag`. */
export function isUniversal(node: Asn1Node | undefined, tag: number): boolean {
  return node !== undefined && node.idBlock.tagClass === UNIVERSAL && node.idBlock.tagNumber === tag;
}

/** True when `node` is a context-specific `[tag]`. */
export function isContext(node: Asn1Node | undefined, tag: number): boolean {
  return node !== undefined && node.idBlock.tagClass === CONTEXT && node.idBlock.tagNumber === tag;
}

/** The elements of a SEQUENCE (or SET when `tag` says so). */
export function sequenceOf(node: Asn1Node | undefined, what: string, tag: number = ASN1_TAG.SEQUENCE): Asn1Node[] {
  const children = node === undefined ? undefined : childrenOf(node);
  if (!isUniversal(node, tag) || children === undefined)
    throw malformed(`${what}: expected ${tag === ASN1_TAG.SET ? 'SET' : 'SEQUENCE'}`);
  return children;
}

/** The single value inside an EXPLICIT context tag `[n]`. */
export function explicitInner(node: Asn1Node, what: string): Asn1Node {
  const children = childrenOf(node);
  if (children?.length !== 1) throw malformed(`${what}: explicit tag must hold exactly one value`);
  return children[0] as Asn1Node;
}

/** The content octets of a primitive node (OCTET STRING, INTEGER, implicit tags, strings). */
export function primitiveBytes(node: Asn1Node, what: string): Uint8Array {
  if (node.idBlock.isConstructed) throw malformed(`${what}: expected a primitive value`);
  const view = (node.valueBlock as { valueHexView?: Uint8Array }).valueHexView;
  if (!(view instanceof Uint8Array)) throw malformed(`${what}: no content octets`);
  return new Uint8Array(view);
}

/** An OCTET STRING's bytes. */
export function octetString(node: Asn1Node | undefined, what: string): Uint8Array {
  if (node === undefined || !isUniversal(node, ASN1_TAG.OCTET_STRING))
    throw malformed(`${what}: expected OCTET STRING`);
  return primitiveBytes(node, what);
}

/** A small non-negative INTEGER or ENUMERATED (up to 2^53 - 1). */
export function smallInteger(node: Asn1Node | undefined, what: string): number {
  if (node === undefined || !(isUniversal(node, ASN1_TAG.INTEGER) || isUniversal(node, ASN1_TAG.ENUMERATED))) {
    throw malformed(`${what}: expected INTEGER`);
  }
  const bytes = primitiveBytes(node, what);
  if (bytes.length === 0 || bytes.length > 7) throw malformed(`${what}: integer of ${bytes.length} bytes out of range`);
  if (((bytes[0] as number) & 0x80) !== 0) throw malformed(`${what}: negative integer`);
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

/** An OBJECT IDENTIFIER in dotted form. */
export function objectIdentifier(node: Asn1Node | undefined, what: string): string {
  if (node === undefined || !isUniversal(node, ASN1_TAG.OID)) throw malformed(`${what}: expected OBJECT IDENTIFIER`);
  const text = (node as asn1js.ObjectIdentifier).valueBlock.toString();
  if (!/^\d+(\.\d+)+$/.test(text)) throw malformed(`${what}: invalid OBJECT IDENTIFIER`);
  return text;
}

/** A BOOLEAN. */
export function booleanValue(node: Asn1Node | undefined, what: string): boolean {
  if (node === undefined || !isUniversal(node, ASN1_TAG.BOOLEAN)) throw malformed(`${what}: expected BOOLEAN`);
  const bytes = primitiveBytes(node, what);
  if (bytes.length !== 1) throw malformed(`${what}: BOOLEAN must be one byte`);
  return bytes[0] !== 0;
}

/** The text of a directory string (UTF8String, PrintableString, IA5String, ...). */
export function stringValue(node: Asn1Node | undefined, what: string): string {
  if (node === undefined || node.idBlock.tagClass !== UNIVERSAL || node.idBlock.isConstructed) {
    throw malformed(`${what}: expected a string`);
  }
  const getValue = (node as { getValue?: () => unknown }).getValue;
  if (typeof getValue !== 'function') throw malformed(`${what}: expected a string`);
  const text = getValue.call(node);
  if (typeof text !== 'string') throw malformed(`${what}: expected a string`);
  return text;
}

/** Children of any constructed node (explicit tags, SEQUENCE, SET). */
export function constructedChildren(node: Asn1Node, what: string): Asn1Node[] {
  const children = childrenOf(node);
  if (children === undefined) throw malformed(`${what}: expected a constructed value`);
  return children;
}
