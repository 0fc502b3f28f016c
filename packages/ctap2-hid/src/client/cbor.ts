/** Internal: the CBOR seam of the driver and the typed readers over decoded CTAP2 maps. */
import { decodeCbor, encodeCanonicalCbor } from '@keyward/internal';
import { CtapError, malformed } from '../errors.ts';

/** A decoded CBOR map with its original (integer or text) keys. */
export type CborMap = Map<unknown, unknown>;

/** Encodes a CTAP2 request: command byte then canonical CBOR parameters (if any). */
export function encodeRequest(command: number, params?: CborMap): Uint8Array {
  if (!params || params.size === 0) return Uint8Array.of(command);
  const body = encodeCanonicalCbor(params);
  const out = new Uint8Array(1 + body.length);
  out[0] = command;
  out.set(body, 1);
  return out;
}

/** Canonical CBOR of a value (for pinUvAuthParam messages). */
export function cbor(value: unknown): Uint8Array {
  return encodeCanonicalCbor(value);
}

/** Checks the status byte of a CTAP2 answer and decodes its map (empty when there is none). */
export function decodeResponse(payload: Uint8Array, context: string): CborMap {
  if (payload.length === 0) throw new CtapError('ERR_MALFORMED', `${context}: empty CTAP2 answer (no status byte)`);
  const status = payload[0] as number;
  if (status !== 0) throw CtapError.fromStatus(status, context);
  if (payload.length === 1) return new Map();
  const value = decodeCbor(payload.subarray(1), (message, cause) => malformed(`${context}: ${message}`, cause));
  if (!(value instanceof Map)) throw new CtapError('ERR_MALFORMED', `${context}: the answer is not a CBOR map`);
  return value;
}

/** Decodes any CBOR value from untrusted bytes with the driver's error. */
export function decodeValue(bytes: Uint8Array, context: string): unknown {
  return decodeCbor(bytes, (message, cause) => malformed(`${context}: ${message}`, cause));
}

function wrong(context: string, key: unknown, expected: string, value: unknown): CtapError {
  const found =
    value instanceof Uint8Array
      ? 'bytes'
      : value instanceof Map
        ? 'map'
        : Array.isArray(value)
          ? 'array'
          : typeof value;
  return new CtapError('ERR_MALFORMED', `${context}: field ${String(key)} should be ${expected}, found ${found}`);
}

/** Typed field readers: `undefined` when absent, `ERR_MALFORMED` when of the wrong type. */
export const read = {
  int(map: CborMap, key: unknown, context: string): number | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'bigint') return Number(value);
    throw wrong(context, key, 'an integer', value);
  },
  bool(map: CborMap, key: unknown, context: string): boolean | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    throw wrong(context, key, 'a boolean', value);
  },
  text(map: CborMap, key: unknown, context: string): string | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    throw wrong(context, key, 'a text string', value);
  },
  bytes(map: CborMap, key: unknown, context: string): Uint8Array | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (value instanceof Uint8Array) return new Uint8Array(value);
    throw wrong(context, key, 'a byte string', value);
  },
  map(map: CborMap, key: unknown, context: string): CborMap | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (value instanceof Map) return value;
    throw wrong(context, key, 'a map', value);
  },
  array(map: CborMap, key: unknown, context: string): unknown[] | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value;
    throw wrong(context, key, 'an array', value);
  },
};

/** Reads a required field with one of the readers above. */
export function need<T>(value: T | undefined, context: string, key: unknown): T {
  if (value === undefined) throw new CtapError('ERR_MALFORMED', `${context}: required field ${String(key)} is missing`);
  return value;
}
