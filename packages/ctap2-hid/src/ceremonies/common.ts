/** Internal: what both ceremonies share: client data, RP ID checks, PIN token choice. */
import { base64urlToBytes, utf8ToBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import type { PinUvAuthToken } from '../client/connection.ts';
import type { CredentialDescriptor } from '../client/credentials.ts';
import type { Ctap2Client } from '../client/ctap2-client.ts';
import { CtapError } from '../errors.ts';
import type { CallOptions } from '../hid/channel.ts';
import type { PublicKeyCredentialDescriptorJSON } from './types.ts';

/** Options of {@link createCredential} and {@link getCredential}. */
export interface CeremonyOptions extends CallOptions {
  /** The web origin the ceremony is for, such as `https://example.com` (goes into clientDataJSON). */
  origin: string;
  /** The key's PIN, when the key has one (needed for user verification and discoverable credentials). */
  pin?: string;
  /**
   * Set clientData `crossOrigin`.
   *
   * @defaultValue false
   */
  crossOrigin?: boolean;
}

/** Internal: base64url to bytes with the driver's error. */
export function fromB64u(text: string, what: string): Uint8Array {
  const bytes = base64urlToBytes(text);
  if (!bytes) throw new CtapError('ERR_INVALID_ARGUMENT', `${what} is not base64url`);
  return bytes;
}

/** Internal: the RP ID, checked against the origin as a browser would (WebAuthn §5.1.3 step 8). */
export function resolveRpId(origin: string, rpId: string | undefined): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch (cause) {
    throw new CtapError('ERR_INVALID_ARGUMENT', `origin ${JSON.stringify(origin)} is not a URL`, { cause });
  }
  if (url.origin !== origin) {
    throw new CtapError(
      'ERR_INVALID_ARGUMENT',
      `origin must be a bare origin such as https://example.com, got ${origin}`,
    );
  }
  const host = url.hostname;
  const id = rpId ?? host;
  if (host !== id && !host.endsWith(`.${id}`)) {
    throw new CtapError('ERR_INVALID_ARGUMENT', `RP ID ${id} is not ${host} or a parent domain of it`);
  }
  if (url.protocol !== 'https:' && host !== 'localhost' && !host.endsWith('.localhost')) {
    throw new CtapError('ERR_INVALID_ARGUMENT', `origin ${origin} is not https (only localhost may use http)`);
  }
  return id;
}

/** Internal: clientDataJSON (WebAuthn §5.8.1.1) and its hash. */
export function clientData(
  type: 'webauthn.create' | 'webauthn.get',
  challenge: string,
  origin: string,
  crossOrigin: boolean,
): { json: Uint8Array; hash: Uint8Array } {
  fromB64u(challenge, 'challenge');
  const json = utf8ToBytes(JSON.stringify({ type, challenge, origin, crossOrigin }));
  return { json, hash: sha256(json) };
}

/** Internal: JSON descriptors to binary ones. */
export function descriptors(
  list: PublicKeyCredentialDescriptorJSON[] | undefined,
  what: string,
): CredentialDescriptor[] {
  return (list ?? []).map((entry, i) => ({ type: 'public-key', id: fromB64u(entry.id, `${what}[${i}].id`) }));
}

/**
 * Internal: decides how to verify the user. With a PIN on a key that has one, a PIN token; with
 * `required` and no PIN, built-in UV or `ERR_PIN_REQUIRED`.
 */
export async function userVerification(
  client: Ctap2Client,
  requirement: string | undefined,
  pin: string | undefined,
  permission: number,
  rpId: string,
  options: CallOptions,
): Promise<{ token?: PinUvAuthToken; uv?: boolean }> {
  const info = client.info ?? (await client.getInfo(options));
  const pinSet = info.options.clientPin === true;
  if (pin !== undefined && pinSet && requirement !== 'discouraged') {
    return { token: await client.clientPin.getPinToken(pin, permission, rpId, options) };
  }
  if (requirement === 'required') {
    if (info.options.uv === true) return { uv: true };
    if (pinSet) throw new CtapError('ERR_PIN_REQUIRED', 'this sign-in requires the key’s PIN: pass `pin`');
    throw new CtapError('ERR_UNSUPPORTED', 'user verification is required but the key has no PIN set');
  }
  return {};
}

/** Internal: the options JSON `timeout` bounds the whole key operation unless the caller set one. */
export function withTimeout(options: CallOptions, timeout: number | undefined): CallOptions {
  if (options.operationTimeoutMs !== undefined || timeout === undefined || !(timeout > 0)) return options;
  return { ...options, operationTimeoutMs: timeout };
}
