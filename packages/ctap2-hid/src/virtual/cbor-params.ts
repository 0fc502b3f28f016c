/** Internal: typed access to the integer-keyed CBOR maps of CTAP2 requests, failing with CTAP status codes. */
import { cborItemEnd, decodeCbor, encodeCanonicalCbor, equalBytes } from '@keyward/internal';
import { CTAP2_STATUS } from '../ctap2/constants.ts';
import { CtapStatus, fail } from './status.ts';

/** A decoded CBOR map. */
export type CborMap = Map<unknown, unknown>;

const invalidCbor = (message: string): Error => new CtapStatus(CTAP2_STATUS.CTAP2_ERR_INVALID_CBOR, message);

/** Decodes a CBOR request body that must be a single map (CTAP 2.1 §8: parameters are a CBOR map). */
export function decodeRequestMap(body: Uint8Array): CborMap {
  const value = decodeCbor(body, invalidCbor);
  if (!(value instanceof Map)) fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'request is not a map');
  return value;
}

/** Decodes any CBOR item (used for tests of shapes); failures become INVALID_CBOR. */
export function decodeItem(body: Uint8Array): unknown {
  return decodeCbor(body, invalidCbor);
}

const unexpected = (what: string): never => fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, what);

function need<T>(value: T | undefined, required: boolean, what: string): T | undefined {
  if (value === undefined && required) fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, `${what} missing`);
  return value;
}

/** A byte-string member. */
export function bytesParam(map: CborMap, key: unknown, required: true, what?: string): Uint8Array;
export function bytesParam(map: CborMap, key: unknown, required: false, what?: string): Uint8Array | undefined;
export function bytesParam(map: CborMap, key: unknown, required: boolean, what = String(key)): Uint8Array | undefined {
  const value = map.get(key);
  if (value === undefined) return need(undefined, required, what);
  if (!(value instanceof Uint8Array)) return unexpected(`${what} is not a byte string`);
  return new Uint8Array(value);
}

/** A text-string member. */
export function textParam(map: CborMap, key: unknown, required: true, what?: string): string;
export function textParam(map: CborMap, key: unknown, required: false, what?: string): string | undefined;
export function textParam(map: CborMap, key: unknown, required: boolean, what = String(key)): string | undefined {
  const value = map.get(key);
  if (value === undefined) return need(undefined, required, what);
  if (typeof value !== 'string') return unexpected(`${what} is not a text string`);
  return value;
}

/** An integer member (CBOR major type 0 or 1 within the safe range). */
export function intParam(map: CborMap, key: unknown, required: true, what?: string): number;
export function intParam(map: CborMap, key: unknown, required: false, what?: string): number | undefined;
export function intParam(map: CborMap, key: unknown, required: boolean, what = String(key)): number | undefined {
  const value = map.get(key);
  if (value === undefined) return need(undefined, required, what);
  if (typeof value === 'bigint') return fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, `${what} out of range`);
  if (typeof value !== 'number' || !Number.isInteger(value)) return unexpected(`${what} is not an integer`);
  return value;
}

/** A boolean member. */
export function boolParam(map: CborMap, key: unknown, what: string = String(key)): boolean | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return unexpected(`${what} is not a boolean`);
  return value;
}

/** A map member. */
export function mapParam(map: CborMap, key: unknown, required: true, what?: string): CborMap;
export function mapParam(map: CborMap, key: unknown, required: false, what?: string): CborMap | undefined;
export function mapParam(map: CborMap, key: unknown, required: boolean, what = String(key)): CborMap | undefined {
  const value = map.get(key);
  if (value === undefined) return need(undefined, required, what);
  if (!(value instanceof Map)) return unexpected(`${what} is not a map`);
  return value;
}

/** An array member. */
export function arrayParam(map: CborMap, key: unknown, required: true, what?: string): unknown[];
export function arrayParam(map: CborMap, key: unknown, required: false, what?: string): unknown[] | undefined;
export function arrayParam(map: CborMap, key: unknown, required: boolean, what = String(key)): unknown[] | undefined {
  const value = map.get(key);
  if (value === undefined) return need(undefined, required, what);
  if (!Array.isArray(value)) return unexpected(`${what} is not an array`);
  return value;
}

/** A PublicKeyCredentialDescriptor `{ type, id }` (WebAuthn §5.8.3). */
export interface CredentialDescriptor {
  type: string;
  id: Uint8Array;
}

/** Parses one PublicKeyCredentialDescriptor. */
export function parseDescriptor(value: unknown, what: string): CredentialDescriptor {
  if (!(value instanceof Map)) return unexpected(`${what} is not a map`);
  const type = textParam(value, 'type', true, `${what}.type`);
  const id = bytesParam(value, 'id', true, `${what}.id`);
  return { type, id };
}

/** Parses a list of PublicKeyCredentialDescriptors (allowList, excludeList). */
export function parseDescriptorList(map: CborMap, key: unknown, what: string): CredentialDescriptor[] | undefined {
  const list = arrayParam(map, key, false, what);
  return list?.map((entry, i) => parseDescriptor(entry, `${what}[${i}]`));
}

/**
 * The exact encoded bytes of the value stored under `key` in the top-level CBOR map `body`, as the
 * platform sent them (pinUvAuthParam covers the raw subCommandParams, CTAP 2.1 §6.8.2, §6.11).
 */
export function rawMapValue(body: Uint8Array, key: number): Uint8Array | undefined {
  const header = body[0];
  if (header === undefined || header >> 5 !== 5) return undefined;
  const info = header & 0x1f;
  let count: number;
  let pos = 1;
  if (info < 24) count = info;
  else if (info === 24) {
    count = body[1] ?? 0;
    pos = 2;
  } else if (info === 25) {
    count = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
    pos = 3;
  } else return undefined;
  const wanted = encodeCanonicalCbor(key);
  for (let i = 0; i < count; i++) {
    const keyEnd = cborItemEnd(body, pos, invalidCbor);
    const valueEnd = cborItemEnd(body, keyEnd, invalidCbor);
    if (equalBytes(body.subarray(pos, keyEnd), wanted)) return body.slice(keyEnd, valueEnd);
    pos = valueEnd;
  }
  return undefined;
}
