/** authenticatorData (WebAuthn L3 §6.1) parsing: bounds-checked, no trailing bytes. */

import { reader } from '../internal/bytes.ts';
import { cborDecodePrefix } from '../internal/cbor.ts';
import { malformed } from '../internal/errors.ts';
import { decodeEs256CoseKeyAt } from './fast-cbor.ts';

/** Authenticator data flag bits (WebAuthn L3 §6.1). */
export const AUTH_DATA_FLAGS: {
  readonly UP: number;
  readonly UV: number;
  readonly BE: number;
  readonly BS: number;
  readonly AT: number;
  readonly ED: number;
} = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 };

/** Attested credential data (WebAuthn L3 §6.5.2). */
export interface AttestedCredentialData {
  /** The authenticator's AAGUID (16 bytes). */
  readonly aaguid: Uint8Array;
  /** The credential ID. */
  readonly credentialId: Uint8Array;
  /** The COSE_Key bytes as found in authData. */
  readonly publicKeyBytes: Uint8Array;
  /** The decoded COSE_Key map (validated later, against the accepted algorithms). */
  readonly publicKeyMap: unknown;
}

/** Parsed authenticator data. */
export interface ParsedAuthenticatorData {
  /** SHA-256 of the RP ID the authenticator used. */
  readonly rpIdHash: Uint8Array;
  /** Raw flags byte. */
  readonly flags: number;
  /** User present. */
  readonly up: boolean;
  /** User verified. */
  readonly uv: boolean;
  /** Backup eligible. */
  readonly be: boolean;
  /** Backed up. */
  readonly bs: boolean;
  /** The signature counter. */
  readonly signCount: number;
  /** Present when the AT flag is set. */
  readonly attestedCredentialData: AttestedCredentialData | undefined;
  /** Decoded authenticator extension outputs, present when the ED flag is set. */
  readonly extensions: Map<unknown, unknown> | undefined;
}

/** Largest credential ID length WebAuthn allows (L3 §6.5.2: at most 1023 bytes). */
const MAX_CREDENTIAL_ID = 1023;

/**
 * Parses authenticatorData. Every length is checked against the bytes present; data after the
 * last announced field is rejected.
 *
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for anything inconsistent.
 */
export function parseAuthenticatorData(bytes: Uint8Array): ParsedAuthenticatorData {
  const r = reader(bytes);
  const rpIdHash = r.take(32, 'rpIdHash');
  const flags = r.u8('flags');
  const signCount = r.u32be('signCount');
  let attestedCredentialData: AttestedCredentialData | undefined;
  let extensions: Map<unknown, unknown> | undefined;
  if (flags & AUTH_DATA_FLAGS.AT) {
    const aaguid = r.take(16, 'aaguid');
    const idLength = r.u16be('credentialIdLength');
    if (idLength > MAX_CREDENTIAL_ID)
      throw malformed(`credential ID of ${idLength} bytes exceeds ${MAX_CREDENTIAL_ID}`);
    const credentialId = r.take(idLength, 'credentialId');
    // The canonical ES256 key (what nearly every authenticator sends) without the general decoder.
    const { value, end } = decodeEs256CoseKeyAt(bytes, r.offset) ?? cborDecodePrefix(bytes.subarray(r.offset));
    const publicKeyBytes = r.take(end, 'credentialPublicKey');
    attestedCredentialData = { aaguid, credentialId, publicKeyBytes, publicKeyMap: value };
  }
  if (flags & AUTH_DATA_FLAGS.ED) {
    const { value, end } = cborDecodePrefix(bytes.subarray(r.offset));
    if (!(value instanceof Map)) throw malformed('authenticator extensions must be a CBOR map');
    r.take(end, 'extensions');
    extensions = value;
  }
  r.done('authenticatorData');
  return {
    rpIdHash,
    flags,
    up: (flags & AUTH_DATA_FLAGS.UP) !== 0,
    uv: (flags & AUTH_DATA_FLAGS.UV) !== 0,
    be: (flags & AUTH_DATA_FLAGS.BE) !== 0,
    bs: (flags & AUTH_DATA_FLAGS.BS) !== 0,
    signCount,
    attestedCredentialData,
    extensions,
  };
}
