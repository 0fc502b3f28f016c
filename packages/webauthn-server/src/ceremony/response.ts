/** Shape checks of the JSON responses (any value at all may arrive here). Not public. */
import { base64urlToBytes, equalBytes } from '@keyward/internal';
import { decodeB64url } from '../internal/bytes.ts';
import { malformed } from '../internal/errors.ts';

/** A plain object, or `ERR_MALFORMED`. */
export function objectField(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/** Checks `id`, `rawId` and `type` of a PublicKeyCredential JSON and returns the raw id bytes. */
export function credentialIdOf(response: Record<string, unknown>): Uint8Array {
  if (response.type !== 'public-key')
    throw malformed(`response.type must be "public-key", found ${JSON.stringify(response.type) ?? 'undefined'}`);
  const id = decodeB64url(response.id, 'response.id');
  // The same text (the usual case) decodes to the same bytes: decode it once.
  if (response.rawId === response.id) return id;
  const rawId = decodeB64url(response.rawId, 'response.rawId');
  if (!equalBytes(id, rawId)) throw malformed('response.id and response.rawId differ');
  return id;
}

/** Decodes a base64url string known to be valid; for values already checked. */
export function b64(value: string): Uint8Array {
  return base64urlToBytes(value) as Uint8Array;
}
