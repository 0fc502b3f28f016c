/** authenticatorMakeCredential (CTAP 2.1 §6.1) and authenticatorGetAssertion (§6.2): requests and answers. */
import { encodeCanonicalCbor } from '@keyward/internal';
import { CtapError } from '../errors.ts';
import { type ParsedAuthenticatorData, parseAuthenticatorData } from './authenticator-data.ts';
import { type CborMap, read } from './cbor.ts';
import type { PinUvAuthToken } from './connection.ts';
import type { PublicKeyCredentialParameters } from './info.ts';
import type { PinProtocolHost } from './pin-protocol.ts';

/** A credential reference (PublicKeyCredentialDescriptor) with binary `id`. */
export interface CredentialDescriptor {
  /** Always `'public-key'`. */
  type: 'public-key';
  /** The credential ID. */
  id: Uint8Array;
  /** Transport hints (`'usb'`, …). */
  transports?: string[];
}

/** The account a credential is for (PublicKeyCredentialUserEntity) with binary `id`. */
export interface UserEntity {
  /** The user handle, at most 64 bytes. */
  id: Uint8Array;
  /** Account name. */
  name?: string;
  /** Name shown to the user. */
  displayName?: string;
}

/** The relying party (PublicKeyCredentialRpEntity). */
export interface RpEntity {
  /** The RP ID, such as `example.com`. */
  id: string;
  /** The RP's name. */
  name?: string;
}

/** Authenticator options of makeCredential and getAssertion. */
export interface AuthenticatorOptions {
  /** Create a discoverable (resident) credential. makeCredential only. */
  rk?: boolean;
  /** Ask for user presence (a touch). getAssertion only; makeCredential always needs it. */
  up?: boolean;
  /** Ask for built-in user verification (not the PIN: give `pinUvAuthToken` for that). */
  uv?: boolean;
}

/** Parameters of {@link Ctap2Client.makeCredential}. */
export interface MakeCredentialParams {
  /** SHA-256 of the clientDataJSON. */
  clientDataHash: Uint8Array;
  /** The relying party. */
  rp: RpEntity;
  /** The account. */
  user: UserEntity;
  /** Acceptable algorithms, most preferred first. */
  pubKeyCredParams: PublicKeyCredentialParameters[];
  /** Credentials that must not be on this key already. */
  excludeList?: CredentialDescriptor[];
  /** Extension inputs, by extension identifier. */
  extensions?: Record<string, unknown>;
  /** Authenticator options. */
  options?: AuthenticatorOptions;
  /** A token from `clientPin.getPinToken` with the mc permission, when the key has a PIN. */
  pinUvAuthToken?: PinUvAuthToken;
  /** Ask for enterprise attestation (1 or 2). */
  enterpriseAttestation?: number;
}

/** The answer to makeCredential. */
export interface MakeCredentialResult {
  /** Attestation statement format (`'packed'`, `'none'`, `'fido-u2f'`, …). */
  fmt: string;
  /** The authenticatorData bytes. */
  authData: Uint8Array;
  /** The attestation statement as decoded CBOR. */
  attStmt: Map<unknown, unknown>;
  /** The WebAuthn attestationObject: CBOR `{ fmt, attStmt, authData }`. */
  attestationObject: Uint8Array;
  /** authData parsed. */
  authenticatorData: ParsedAuthenticatorData;
  /** The new credential's ID. */
  credentialId: Uint8Array;
  /** Whether enterprise attestation was returned. */
  epAtt?: boolean;
  /** The largeBlobKey, when asked for. */
  largeBlobKey?: Uint8Array;
}

/** Parameters of {@link Ctap2Client.getAssertion}. */
export interface GetAssertionParams {
  /** The RP ID. */
  rpId: string;
  /** SHA-256 of the clientDataJSON. */
  clientDataHash: Uint8Array;
  /** Credentials to use; empty or absent for discoverable credentials. */
  allowList?: CredentialDescriptor[];
  /** Extension inputs, by extension identifier. */
  extensions?: Record<string, unknown>;
  /** Authenticator options. */
  options?: AuthenticatorOptions;
  /** A token from `clientPin.getPinToken` with the ga permission, when the PIN is to be verified. */
  pinUvAuthToken?: PinUvAuthToken;
}

/** One assertion. */
export interface AssertionResult {
  /** The credential used. */
  credential: CredentialDescriptor;
  /** The authenticatorData bytes. */
  authData: Uint8Array;
  /** authData parsed. */
  authenticatorData: ParsedAuthenticatorData;
  /** The signature over authData ‖ clientDataHash. */
  signature: Uint8Array;
  /** The account, for discoverable credentials. */
  user?: UserEntity;
  /** How many credentials matched (first assertion only). */
  numberOfCredentials?: number;
  /** Whether the user picked this credential on the key. */
  userSelected?: boolean;
  /** The largeBlobKey, when asked for. */
  largeBlobKey?: Uint8Array;
}

/** Internal: a credential descriptor as CBOR. */
export function descriptorToCbor(descriptor: CredentialDescriptor): CborMap {
  if (!(descriptor.id instanceof Uint8Array))
    throw new CtapError('ERR_INVALID_ARGUMENT', 'credential id must be a Uint8Array');
  const map: CborMap = new Map<unknown, unknown>([
    ['id', descriptor.id],
    ['type', 'public-key'],
  ]);
  return map;
}

/** Internal: the user entity as CBOR. */
export function userToCbor(user: UserEntity): CborMap {
  if (!(user.id instanceof Uint8Array) || user.id.length === 0 || user.id.length > 64) {
    throw new CtapError('ERR_INVALID_ARGUMENT', 'user.id must be 1 to 64 bytes');
  }
  const map: CborMap = new Map<unknown, unknown>([['id', user.id]]);
  if (user.name !== undefined) map.set('name', user.name);
  if (user.displayName !== undefined) map.set('displayName', user.displayName);
  return map;
}

function optionsToCbor(options: AuthenticatorOptions | undefined): CborMap | undefined {
  if (!options) return undefined;
  const map: CborMap = new Map();
  for (const key of ['rk', 'up', 'uv'] as const) if (options[key] !== undefined) map.set(key, options[key]);
  return map.size > 0 ? map : undefined;
}

function checkHash(hash: Uint8Array): void {
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new CtapError('ERR_INVALID_ARGUMENT', 'clientDataHash must be 32 bytes');
  }
}

function extensionsToCbor(extensions: Record<string, unknown> | undefined): CborMap | undefined {
  if (!extensions) return undefined;
  const entries = Object.entries(extensions);
  return entries.length > 0 ? new Map(entries) : undefined;
}

/** Internal: makeCredential parameters as the CBOR request map. */
export function encodeMakeCredential(params: MakeCredentialParams, protocol: PinProtocolHost | undefined): CborMap {
  checkHash(params.clientDataHash);
  if (typeof params.rp?.id !== 'string' || params.rp.id === '')
    throw new CtapError('ERR_INVALID_ARGUMENT', 'rp.id is required');
  if (!Array.isArray(params.pubKeyCredParams) || params.pubKeyCredParams.length === 0) {
    throw new CtapError('ERR_INVALID_ARGUMENT', 'pubKeyCredParams must name at least one algorithm');
  }
  const rp: CborMap = new Map<unknown, unknown>([['id', params.rp.id]]);
  if (params.rp.name !== undefined) rp.set('name', params.rp.name);
  const map: CborMap = new Map<unknown, unknown>([
    [1, params.clientDataHash],
    [2, rp],
    [3, userToCbor(params.user)],
    [
      4,
      params.pubKeyCredParams.map(
        (p) =>
          new Map<unknown, unknown>([
            ['alg', p.alg],
            ['type', p.type],
          ]),
      ),
    ],
  ]);
  if (params.excludeList && params.excludeList.length > 0) map.set(5, params.excludeList.map(descriptorToCbor));
  const extensions = extensionsToCbor(params.extensions);
  if (extensions) map.set(6, extensions);
  const options = optionsToCbor(params.options);
  if (options) map.set(7, options);
  if (params.pinUvAuthToken && protocol) {
    map.set(8, protocol.authenticate(params.pinUvAuthToken.token, params.clientDataHash));
    map.set(9, protocol.version);
  }
  if (params.enterpriseAttestation !== undefined) map.set(10, params.enterpriseAttestation);
  return map;
}

/** Internal: the makeCredential answer. */
export function decodeMakeCredential(answer: CborMap): MakeCredentialResult {
  const c = 'makeCredential';
  const fmt = read.text(answer, 1, c);
  const authData = read.bytes(answer, 2, c);
  const attStmt = read.map(answer, 3, c);
  if (fmt === undefined || authData === undefined || attStmt === undefined) {
    throw new CtapError('ERR_MALFORMED', 'makeCredential: fmt, authData or attStmt is missing');
  }
  const authenticatorData = parseAuthenticatorData(authData);
  if (!authenticatorData.attestedCredentialData) {
    throw new CtapError('ERR_MALFORMED', 'makeCredential: authData has no attested credential data');
  }
  const attestationObject = encodeCanonicalCbor(
    new Map<unknown, unknown>([
      ['fmt', fmt],
      ['attStmt', attStmt],
      ['authData', authData],
    ]),
  );
  const result: MakeCredentialResult = {
    fmt,
    authData,
    attStmt,
    attestationObject,
    authenticatorData,
    credentialId: authenticatorData.attestedCredentialData.credentialId,
  };
  const epAtt = read.bool(answer, 4, c);
  if (epAtt !== undefined) result.epAtt = epAtt;
  const largeBlobKey = read.bytes(answer, 5, c);
  if (largeBlobKey !== undefined) result.largeBlobKey = largeBlobKey;
  return result;
}

/** Internal: getAssertion parameters as the CBOR request map. */
export function encodeGetAssertion(params: GetAssertionParams, protocol: PinProtocolHost | undefined): CborMap {
  checkHash(params.clientDataHash);
  if (typeof params.rpId !== 'string' || params.rpId === '')
    throw new CtapError('ERR_INVALID_ARGUMENT', 'rpId is required');
  const map: CborMap = new Map<unknown, unknown>([
    [1, params.rpId],
    [2, params.clientDataHash],
  ]);
  if (params.allowList && params.allowList.length > 0) map.set(3, params.allowList.map(descriptorToCbor));
  const extensions = extensionsToCbor(params.extensions);
  if (extensions) map.set(4, extensions);
  const options = optionsToCbor(params.options);
  if (options) map.set(5, options);
  if (params.pinUvAuthToken && protocol) {
    map.set(6, protocol.authenticate(params.pinUvAuthToken.token, params.clientDataHash));
    map.set(7, protocol.version);
  }
  return map;
}

/** Internal: reads a descriptor map from an answer. */
export function decodeDescriptor(value: unknown, context: string): CredentialDescriptor {
  if (!(value instanceof Map)) throw new CtapError('ERR_MALFORMED', `${context}: credential is not a map`);
  const id = read.bytes(value, 'id', context);
  const type = read.text(value, 'type', context);
  if (!id || type !== 'public-key') throw new CtapError('ERR_MALFORMED', `${context}: credential lacks id or type`);
  return { type: 'public-key', id };
}

/** Internal: reads a user entity map from an answer. */
export function decodeUser(value: unknown, context: string): UserEntity {
  if (!(value instanceof Map)) throw new CtapError('ERR_MALFORMED', `${context}: user is not a map`);
  const id = read.bytes(value, 'id', context);
  if (!id) throw new CtapError('ERR_MALFORMED', `${context}: user lacks id`);
  const user: UserEntity = { id };
  const name = read.text(value, 'name', context);
  if (name !== undefined) user.name = name;
  const displayName = read.text(value, 'displayName', context);
  if (displayName !== undefined) user.displayName = displayName;
  return user;
}

/** Internal: one getAssertion / getNextAssertion answer. */
export function decodeAssertion(answer: CborMap, allowList: CredentialDescriptor[] | undefined): AssertionResult {
  const c = 'getAssertion';
  const credentialValue = answer.get(1);
  let credential: CredentialDescriptor;
  if (credentialValue === undefined) {
    // §6.2.2: the key may omit the credential when the allow list had exactly one entry.
    const only = allowList?.length === 1 ? allowList[0] : undefined;
    if (!only) throw new CtapError('ERR_MALFORMED', 'getAssertion: credential (0x01) is missing');
    credential = { type: 'public-key', id: only.id };
  } else {
    credential = decodeDescriptor(credentialValue, c);
  }
  const authData = read.bytes(answer, 2, c);
  const signature = read.bytes(answer, 3, c);
  if (!authData || !signature) throw new CtapError('ERR_MALFORMED', 'getAssertion: authData or signature is missing');
  const result: AssertionResult = {
    credential,
    authData,
    authenticatorData: parseAuthenticatorData(authData),
    signature,
  };
  if (answer.has(4)) result.user = decodeUser(answer.get(4), c);
  const count = read.int(answer, 5, c);
  if (count !== undefined) result.numberOfCredentials = count;
  const selected = read.bool(answer, 6, c);
  if (selected !== undefined) result.userSelected = selected;
  const largeBlobKey = read.bytes(answer, 7, c);
  if (largeBlobKey !== undefined) result.largeBlobKey = largeBlobKey;
  return result;
}
