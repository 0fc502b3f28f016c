/**
 * Internal: the runtime form of the authenticator's persistent state (bytes, not base64url) and
 * its conversion to and from {@link VirtualAuthenticatorState}.
 */
import { base64urlToBytes, bytesToBase64url } from '@keyward/internal';

/** Bytes of base64url that validation already checked. */
function bytes(text: string): Uint8Array {
  return base64urlToBytes(text) ?? new Uint8Array(0);
}

import type { CredentialAlg } from './keys.ts';
import {
  aaguidFromString,
  aaguidToString,
  type StoredCredentialState,
  VIRTUAL_AUTHENTICATOR_STATE_FORMAT,
  VIRTUAL_AUTHENTICATOR_STATE_VERSION,
  type VirtualAuthenticatorState,
} from './state.ts';

/** A discoverable credential in memory. */
export interface ResidentCredential {
  id: Uint8Array;
  rpId: string;
  rpName?: string;
  userId: Uint8Array;
  userName?: string;
  userDisplayName?: string;
  alg: CredentialAlg;
  privateKey: Uint8Array;
  credProtect: 1 | 2 | 3;
  hmacSecret: boolean;
  created: number;
}

/** The persistent state in memory. */
export interface DeviceState {
  aaguid: Uint8Array;
  masterKey: Uint8Array;
  signCount: number;
  pin: { hash: Uint8Array; codePoints: number } | null;
  pinRetries: number;
  minPinLength: number;
  forcePinChange: boolean;
  alwaysUv: boolean;
  nextCreated: number;
  rootCertificate: Uint8Array;
  batchCertificate: Uint8Array;
  batchPrivateKey: Uint8Array;
  credentials: ResidentCredential[];
}

/** Runtime state → JSON state. */
export function toStateJSON(state: DeviceState): VirtualAuthenticatorState {
  return {
    format: VIRTUAL_AUTHENTICATOR_STATE_FORMAT,
    version: VIRTUAL_AUTHENTICATOR_STATE_VERSION,
    aaguid: aaguidToString(state.aaguid),
    masterKey: bytesToBase64url(state.masterKey),
    signCount: state.signCount,
    pin: state.pin ? { hash: bytesToBase64url(state.pin.hash), codePoints: state.pin.codePoints } : null,
    pinRetries: state.pinRetries,
    minPinLength: state.minPinLength,
    forcePinChange: state.forcePinChange,
    alwaysUv: state.alwaysUv,
    nextCreated: state.nextCreated,
    attestation: {
      rootCertificate: bytesToBase64url(state.rootCertificate),
      batchCertificate: bytesToBase64url(state.batchCertificate),
      batchPrivateKey: bytesToBase64url(state.batchPrivateKey),
    },
    credentials: state.credentials.map((c) => {
      const out: StoredCredentialState = {
        id: bytesToBase64url(c.id),
        rpId: c.rpId,
        userId: bytesToBase64url(c.userId),
        alg: c.alg,
        privateKey: bytesToBase64url(c.privateKey),
        credProtect: c.credProtect,
        hmacSecret: c.hmacSecret,
        created: c.created,
      };
      if (c.rpName !== undefined) out.rpName = c.rpName;
      if (c.userName !== undefined) out.userName = c.userName;
      if (c.userDisplayName !== undefined) out.userDisplayName = c.userDisplayName;
      return out;
    }),
  };
}

/** JSON state (already validated) → runtime state. */
export function fromStateJSON(json: VirtualAuthenticatorState): DeviceState {
  return {
    aaguid: aaguidFromString(json.aaguid) as Uint8Array,
    masterKey: bytes(json.masterKey),
    signCount: json.signCount,
    pin: json.pin ? { hash: bytes(json.pin.hash), codePoints: json.pin.codePoints } : null,
    pinRetries: json.pinRetries,
    minPinLength: json.minPinLength,
    forcePinChange: json.forcePinChange,
    alwaysUv: json.alwaysUv,
    nextCreated: json.nextCreated,
    rootCertificate: bytes(json.attestation.rootCertificate),
    batchCertificate: bytes(json.attestation.batchCertificate),
    batchPrivateKey: bytes(json.attestation.batchPrivateKey),
    credentials: json.credentials.map((c) => {
      const out: ResidentCredential = {
        id: bytes(c.id),
        rpId: c.rpId,
        userId: bytes(c.userId),
        alg: c.alg,
        privateKey: bytes(c.privateKey),
        credProtect: c.credProtect,
        hmacSecret: c.hmacSecret,
        created: c.created,
      };
      if (c.rpName !== undefined) out.rpName = c.rpName;
      if (c.userName !== undefined) out.userName = c.userName;
      if (c.userDisplayName !== undefined) out.userDisplayName = c.userDisplayName;
      return out;
    }),
  };
}
