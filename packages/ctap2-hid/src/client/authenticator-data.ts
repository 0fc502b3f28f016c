/** authenticatorData (WebAuthn §6.1), parsed from untrusted bytes. */
import { ByteReader, cborItemEnd } from '@keyward/internal';
import { malformed } from '../errors.ts';
import { decodeValue } from './cbor.ts';
import { formatAaguid } from './info.ts';

/** The parts of authenticatorData (WebAuthn §6.1). */
export interface ParsedAuthenticatorData {
  /** SHA-256 of the RP ID. */
  rpIdHash: Uint8Array;
  /** The flags byte. */
  flags: number;
  /** UP: the user touched the key. */
  userPresent: boolean;
  /** UV: the user was verified (PIN or built-in). */
  userVerified: boolean;
  /** BE: the credential may be backed up. */
  backupEligible: boolean;
  /** BS: the credential is backed up. */
  backedUp: boolean;
  /** The signature counter. */
  signCount: number;
  /** Attested credential data, present after makeCredential. */
  attestedCredentialData?: {
    /** The AAGUID as a UUID string. */
    aaguid: string;
    /** The credential ID. */
    credentialId: Uint8Array;
    /** The credential public key as COSE_Key CBOR bytes. */
    credentialPublicKey: Uint8Array;
  };
  /** Extension outputs, as the CBOR map the key sent. */
  extensions?: Map<unknown, unknown>;
}

/** Parses authenticatorData; anything inconsistent is `ERR_MALFORMED`. */
export function parseAuthenticatorData(bytes: Uint8Array): ParsedAuthenticatorData {
  const fail = (message: string): Error => malformed(`authenticatorData: ${message}`);
  const reader = new ByteReader(bytes, fail);
  const rpIdHash = reader.take(32, 'rpIdHash').slice();
  const flags = reader.u8('flags');
  const signCount = reader.u32be('signCount');
  const result: ParsedAuthenticatorData = {
    rpIdHash,
    flags,
    userPresent: (flags & 0x01) !== 0,
    userVerified: (flags & 0x04) !== 0,
    backupEligible: (flags & 0x08) !== 0,
    backedUp: (flags & 0x10) !== 0,
    signCount,
  };
  if (flags & 0x40) {
    const aaguid = formatAaguid(reader.take(16, 'aaguid'));
    const idLength = reader.u16be('credentialIdLength');
    const credentialId = reader.take(idLength, 'credentialId').slice();
    const end = cborItemEnd(bytes, reader.offset, fail);
    const credentialPublicKey = reader.take(end - reader.offset, 'credentialPublicKey').slice();
    if (!(decodeValue(credentialPublicKey, 'credentialPublicKey') instanceof Map)) {
      throw fail('credentialPublicKey is not a COSE_Key map');
    }
    result.attestedCredentialData = { aaguid, credentialId, credentialPublicKey };
  }
  if (flags & 0x80) {
    const end = cborItemEnd(bytes, reader.offset, fail);
    const extensions = decodeValue(reader.take(end - reader.offset, 'extensions'), 'authenticatorData extensions');
    if (!(extensions instanceof Map)) throw fail('extensions are not a map');
    result.extensions = extensions;
  }
  reader.done('authenticatorData');
  return result;
}
