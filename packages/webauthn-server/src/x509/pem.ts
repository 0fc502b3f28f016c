/** PEM/DER trust-anchor input. */
import { base64urlToBytes } from '@keyward/internal';
import { WebAuthnError } from '../errors.ts';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Reads certificates given as DER bytes or PEM text (one or more `CERTIFICATE` blocks).
 *
 * @param input - DER bytes, or PEM text.
 * @returns The DER of each certificate.
 * @throws {@link WebAuthnError} `ERR_BAD_OPTIONS` when a string holds no decodable PEM certificate.
 */
export function certificatesFromPemOrDer(input: Uint8Array | string): Uint8Array[] {
  if (input instanceof Uint8Array) return [input];
  if (typeof input !== 'string')
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'a trust anchor must be DER bytes or PEM text');
  const out: Uint8Array[] = [];
  for (const match of input.matchAll(PEM_BLOCK)) {
    const der = base64urlToBytes((match[1] as string).replace(/\s+/g, ''));
    if (!der) throw new WebAuthnError('ERR_BAD_OPTIONS', 'a PEM trust anchor has invalid base64');
    out.push(der);
  }
  if (out.length === 0)
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'a trust anchor string holds no PEM CERTIFICATE block');
  return out;
}
