import { WebAuthnBrowserError } from '../errors.ts';

/** Encodes bytes as unpadded base64url (RFC 4648 §5). btoa keeps the bundle small. */
export function encode(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes unpadded base64url; anything else throws `ERR_BAD_OPTIONS` naming `field`.
 *
 * @param text - The encoded value from the options JSON.
 * @param field - Where it came from, for the message.
 */
export function decode(text: unknown, field: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !/^[\w-]*$/.test(text) || text.length % 4 === 1) {
    throw new WebAuthnBrowserError('ERR_BAD_OPTIONS', `${field} is not base64url`);
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
