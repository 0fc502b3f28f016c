/**
 * Fast paths for the CBOR shapes every browser sends: the attestationObject map
 * `{fmt, attStmt, authData}` in CTAP2 canonical order, and the 77-byte canonical ES256 COSE_Key.
 * They recognise exact byte layouts and return exactly what the general decoder returns for those
 * bytes (the same `Map`s, strings and byte-string views); anything else returns `undefined` and
 * the caller takes the general path, which alone produces every error. Not public.
 */
import { cborItemEnd } from '@keyward/internal';
import { cborDecode } from '../internal/cbor.ts';

/** The three members of an attestationObject. */
export interface AttestationObjectParts {
  readonly fmt: string;
  readonly attStmt: unknown;
  readonly authData: Uint8Array;
}

// `a3 63 'fmt'` and the keys that follow it.
const FMT_KEY = [0xa3, 0x63, 0x66, 0x6d, 0x74];
const ATT_STMT_KEY = [0x67, 0x61, 0x74, 0x74, 0x53, 0x74, 0x6d, 0x74];
const AUTH_DATA_KEY = [0x68, 0x61, 0x75, 0x74, 0x68, 0x44, 0x61, 0x74, 0x61];

function matches(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/**
 * Splits an attestationObject laid out as `a3 63 "fmt" <short ASCII text> 67 "attStmt" <item>
 * 68 "authData" <byte string>` with nothing after it. Returns `undefined` for any other layout
 * (or an attStmt the general decoder should judge).
 */
export function splitAttestationObject(bytes: Uint8Array): AttestationObjectParts | undefined {
  if (!matches(bytes, 0, FMT_KEY)) return undefined;
  let pos = FMT_KEY.length;
  const head = bytes[pos++];
  // Text string of 1..23 bytes, printable ASCII only (so no UTF-8 decoding question arises).
  if (head === undefined || head <= 0x60 || head >= 0x78) return undefined;
  const fmtLength = head - 0x60;
  if (pos + fmtLength > bytes.length) return undefined;
  let fmt = '';
  for (let i = 0; i < fmtLength; i++) {
    const c = bytes[pos + i] as number;
    if (c < 0x20 || c > 0x7e) return undefined;
    fmt += String.fromCharCode(c);
  }
  pos += fmtLength;
  if (!matches(bytes, pos, ATT_STMT_KEY)) return undefined;
  pos += ATT_STMT_KEY.length;
  const stmtStart = pos;
  let attStmt: unknown;
  if (bytes[pos] === 0xa0) {
    attStmt = new Map();
    pos++;
  } else {
    // A non-empty statement: find the authData key after it by decoding the statement alone.
    const keyAt = findAuthDataKey(bytes, pos);
    if (keyAt === undefined) return undefined;
    try {
      attStmt = cborDecode(bytes.subarray(stmtStart, keyAt));
    } catch {
      return undefined;
    }
    pos = keyAt;
  }
  if (!matches(bytes, pos, AUTH_DATA_KEY)) return undefined;
  pos += AUTH_DATA_KEY.length;
  const bstr = bytes[pos++];
  let length: number;
  if (bstr === 0x58) {
    length = bytes[pos++] ?? -1;
    if (length < 24) return undefined;
  } else if (bstr === 0x59) {
    if (pos + 2 > bytes.length) return undefined;
    length = ((bytes[pos] as number) << 8) | (bytes[pos + 1] as number);
    pos += 2;
    if (length < 256) return undefined;
  } else return undefined;
  if (pos + length !== bytes.length) return undefined;
  return { fmt, attStmt, authData: bytes.subarray(pos, pos + length) };
}

const plainError = (message: string): Error => new Error(message);

/** The offset just past the attStmt item starting at `from` (the bounded walker), if well-formed. */
function findAuthDataKey(bytes: Uint8Array, from: number): number | undefined {
  try {
    // Depth 1: the statement sits inside the attestationObject map, as in the general walk.
    return cborItemEnd(bytes, from, plainError, 1);
  } catch {
    return undefined;
  }
}

// a5 01 02 03 26 20 01 21 58 20 <x:32> 22 58 20 <y:32>
const ES256_KEY_HEAD = [0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
const ES256_KEY_LENGTH = 77;

/**
 * Decodes the canonical ES256 COSE_Key (`{1: 2, 3: -7, -1: 1, -2: x, -3: y}` in that order) at
 * `offset`, or returns `undefined` for any other bytes.
 */
export function decodeEs256CoseKeyAt(
  bytes: Uint8Array,
  offset: number,
): { value: Map<number, unknown>; end: number } | undefined {
  if (offset + ES256_KEY_LENGTH > bytes.length || !matches(bytes, offset, ES256_KEY_HEAD)) return undefined;
  const yHead = offset + 10 + 32;
  if (bytes[yHead] !== 0x22 || bytes[yHead + 1] !== 0x58 || bytes[yHead + 2] !== 0x20) return undefined;
  const value = new Map<number, unknown>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, bytes.subarray(offset + 10, offset + 42)],
    [-3, bytes.subarray(yHead + 3, yHead + 35)],
  ]);
  return { value, end: ES256_KEY_LENGTH };
}
