/** Helpers for reading attStmt members. Not public. */
import { fail } from '../internal/errors.ts';

/** A byte-string member, or `ERR_ATTESTATION`. */
export function stmtBytes(attStmt: Map<unknown, unknown>, name: string, fmt: string): Uint8Array {
  const v = attStmt.get(name);
  if (!(v instanceof Uint8Array)) throw fail('ERR_ATTESTATION', `${fmt}: attStmt.${name} must be a byte string`);
  return v;
}

/** An integer member, or `ERR_ATTESTATION`. */
export function stmtInt(attStmt: Map<unknown, unknown>, name: string, fmt: string): number {
  const v = attStmt.get(name);
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw fail('ERR_ATTESTATION', `${fmt}: attStmt.${name} must be an integer`);
  return v;
}

/** The `x5c` member: a non-empty array of byte strings, or `undefined` when absent. */
export function stmtX5c(attStmt: Map<unknown, unknown>, fmt: string): Uint8Array[] | undefined {
  const v = attStmt.get('x5c');
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || v.length > 8 || v.some((c) => !(c instanceof Uint8Array)))
    throw fail('ERR_ATTESTATION', `${fmt}: attStmt.x5c must be a non-empty array of certificates`);
  return v as Uint8Array[];
}

/** Signed data of most formats: `authenticatorData || clientDataHash`. */
export function signedData(authData: Uint8Array, clientDataHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(authData.length + clientDataHash.length);
  out.set(authData);
  out.set(clientDataHash, authData.length);
  return out;
}
