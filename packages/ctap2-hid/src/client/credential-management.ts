/** authenticatorCredentialManagement (CTAP 2.1 §6.8), platform side. */
import { concatBytes, encodeCanonicalCbor } from '@keyward/internal';
import { CRED_MGMT_SUBCMD, CTAP2_CMD, CTAP2_STATUS } from '../ctap2/constants.ts';
import { CtapError, isCtapError } from '../errors.ts';
import type { CallOptions } from '../hid/channel.ts';
import { type CborMap, read } from './cbor.ts';
import type { Connection, PinUvAuthToken } from './connection.ts';
import {
  type CredentialDescriptor,
  decodeDescriptor,
  decodeUser,
  descriptorToCbor,
  type UserEntity,
  userToCbor,
} from './credentials.ts';

/** Options of the credential-management calls. */
export interface CredentialManagementOptions extends CallOptions {
  /**
   * A token with the cm permission.
   *
   * @defaultValue the last token `clientPin.getPinToken` returned on this client
   */
  pinUvAuthToken?: PinUvAuthToken;
}

/** getCredsMetadata (§6.8.2). */
export interface CredentialsMetadata {
  /** Discoverable credentials on the key. */
  existingResidentCredentialsCount: number;
  /** How many more fit (an estimate). */
  maxPossibleRemainingResidentCredentialsCount: number;
}

/** A relying party with discoverable credentials on the key (§6.8.3). */
export interface StoredRp {
  /** The RP entity (its `id`, and `name` when stored). */
  rp: { id: string; name?: string };
  /** SHA-256 of the RP ID: pass it to `enumerateCredentials`. */
  rpIdHash: Uint8Array;
}

/** A discoverable credential on the key (§6.8.4). */
export interface StoredCredential {
  /** The account. */
  user: UserEntity;
  /** The credential. */
  credentialId: CredentialDescriptor;
  /** The public key as COSE_Key CBOR bytes. */
  publicKey: Uint8Array;
  /** credProtect level (1 to 3), when the key reports it. */
  credProtect?: number;
  /** The largeBlobKey, when the key reports it. */
  largeBlobKey?: Uint8Array;
}

/** Managing discoverable credentials: `client.credentialManagement`. Every call needs a cm token. */
export interface CredentialManagement {
  /**
   * Counts the discoverable credentials and the room left.
   *
   * @param options - The token and call options.
   * @returns The counts.
   * @throws {@link CtapError} `ERR_PIN_REQUIRED` without a token, `ERR_UNSUPPORTED` on keys without credMgmt.
   * @throws {@link CtapError} `CTAP2_ERR_PIN_AUTH_INVALID` for a token without the cm permission.
   */
  metadata(options?: CredentialManagementOptions): Promise<CredentialsMetadata>;
  /**
   * Lists the relying parties that have discoverable credentials on the key.
   *
   * @param options - The token and call options.
   * @returns The RPs; empty when there are none.
   * @throws {@link CtapError} `ERR_PIN_REQUIRED`, `ERR_UNSUPPORTED`.
   */
  enumerateRps(options?: CredentialManagementOptions): Promise<StoredRp[]>;
  /**
   * Lists the discoverable credentials of one RP.
   *
   * @param rpIdHash - SHA-256 of the RP ID (from `enumerateRps`).
   * @param options - The token and call options.
   * @returns The credentials; empty when there are none.
   * @throws {@link CtapError} `ERR_PIN_REQUIRED`, `ERR_UNSUPPORTED`, `ERR_INVALID_ARGUMENT`.
   */
  enumerateCredentials(rpIdHash: Uint8Array, options?: CredentialManagementOptions): Promise<StoredCredential[]>;
  /**
   * Deletes one discoverable credential.
   *
   * @param credentialId - The credential ID.
   * @param options - The token and call options.
   * @throws {@link CtapError} `CTAP2_ERR_NO_CREDENTIALS` when the key does not hold it.
   */
  deleteCredential(credentialId: Uint8Array, options?: CredentialManagementOptions): Promise<void>;
  /**
   * Replaces the stored user name and display name of a credential (the user ID must stay the same).
   *
   * @param credentialId - The credential ID.
   * @param user - The account with the same `id` and new names.
   * @param options - The token and call options.
   * @throws {@link CtapError} `CTAP2_ERR_NO_CREDENTIALS`, `CTAP1_ERR_INVALID_PARAMETER` for another user ID.
   */
  updateUserInformation(
    credentialId: Uint8Array,
    user: UserEntity,
    options?: CredentialManagementOptions,
  ): Promise<void>;
}

/** Internal: `client.credentialManagement`. */
export class CredentialManagementImpl implements CredentialManagement {
  private readonly conn: Connection;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  private async call(
    subCommand: number,
    params: CborMap | undefined,
    options: CredentialManagementOptions,
    what: string,
    authenticated: boolean,
  ): Promise<CborMap> {
    const info = await this.conn.cachedInfo(options);
    const command =
      info.options.credMgmt === true
        ? CTAP2_CMD.credentialManagement
        : info.options.credentialMgmtPreview === true
          ? CTAP2_CMD.prototypeCredentialManagement
          : undefined;
    if (command === undefined)
      throw new CtapError('ERR_UNSUPPORTED', 'this key does not support credential management');
    const request: CborMap = new Map<unknown, unknown>([[1, subCommand]]);
    if (params) request.set(2, params);
    if (authenticated) {
      const token = options.pinUvAuthToken ?? this.conn.lastToken;
      if (!token) {
        throw new CtapError('ERR_PIN_REQUIRED', 'credential management needs a PIN token with the cm permission');
      }
      const protocol = this.conn.protocolOf(token);
      // §6.8: pinUvAuthParam = authenticate(token, subCommand ‖ CBOR(subCommandParams)).
      const message = params
        ? concatBytes(Uint8Array.of(subCommand), encodeCanonicalCbor(params))
        : Uint8Array.of(subCommand);
      request.set(3, protocol.version);
      request.set(4, protocol.authenticate(token.token, message));
    }
    return this.conn.command(command, request, options, `credentialManagement.${what}`);
  }

  async metadata(options: CredentialManagementOptions = {}): Promise<CredentialsMetadata> {
    const answer = await this.call(CRED_MGMT_SUBCMD.getCredsMetadata, undefined, options, 'getCredsMetadata', true);
    const c = 'credentialManagement.getCredsMetadata';
    const existing = read.int(answer, 1, c);
    const remaining = read.int(answer, 2, c);
    if (existing === undefined || remaining === undefined)
      throw new CtapError('ERR_MALFORMED', `${c}: counts are missing`);
    return { existingResidentCredentialsCount: existing, maxPossibleRemainingResidentCredentialsCount: remaining };
  }

  async enumerateRps(options: CredentialManagementOptions = {}): Promise<StoredRp[]> {
    const c = 'credentialManagement.enumerateRPs';
    let first: CborMap;
    try {
      first = await this.call(CRED_MGMT_SUBCMD.enumerateRPsBegin, undefined, options, 'enumerateRPsBegin', true);
    } catch (error) {
      if (isCtapError(error) && error.status === CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS) return [];
      throw error;
    }
    const total = read.int(first, 5, c) ?? 1;
    if (total < 0 || total > 10_000) throw new CtapError('ERR_MALFORMED', `${c}: totalRPs ${total} out of range`);
    const out = [decodeRp(first, c)];
    for (let i = 1; i < total; i++) {
      const next = await this.call(
        CRED_MGMT_SUBCMD.enumerateRPsGetNextRP,
        undefined,
        options,
        'enumerateRPsGetNextRP',
        false,
      );
      out.push(decodeRp(next, c));
    }
    return out;
  }

  async enumerateCredentials(
    rpIdHash: Uint8Array,
    options: CredentialManagementOptions = {},
  ): Promise<StoredCredential[]> {
    if (!(rpIdHash instanceof Uint8Array) || rpIdHash.length !== 32) {
      throw new CtapError('ERR_INVALID_ARGUMENT', 'rpIdHash must be 32 bytes');
    }
    const c = 'credentialManagement.enumerateCredentials';
    const params: CborMap = new Map<unknown, unknown>([[1, rpIdHash]]);
    let first: CborMap;
    try {
      first = await this.call(
        CRED_MGMT_SUBCMD.enumerateCredentialsBegin,
        params,
        options,
        'enumerateCredentialsBegin',
        true,
      );
    } catch (error) {
      if (isCtapError(error) && error.status === CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS) return [];
      throw error;
    }
    const total = read.int(first, 9, c) ?? 1;
    if (total < 0 || total > 10_000)
      throw new CtapError('ERR_MALFORMED', `${c}: totalCredentials ${total} out of range`);
    const out = [decodeCredential(first, c)];
    for (let i = 1; i < total; i++) {
      const next = await this.call(
        CRED_MGMT_SUBCMD.enumerateCredentialsGetNextCredential,
        undefined,
        options,
        'enumerateCredentialsGetNextCredential',
        false,
      );
      out.push(decodeCredential(next, c));
    }
    return out;
  }

  async deleteCredential(credentialId: Uint8Array, options: CredentialManagementOptions = {}): Promise<void> {
    const params: CborMap = new Map<unknown, unknown>([
      [2, descriptorToCbor({ type: 'public-key', id: credentialId })],
    ]);
    await this.call(CRED_MGMT_SUBCMD.deleteCredential, params, options, 'deleteCredential', true);
  }

  async updateUserInformation(
    credentialId: Uint8Array,
    user: UserEntity,
    options: CredentialManagementOptions = {},
  ): Promise<void> {
    const params: CborMap = new Map<unknown, unknown>([
      [2, descriptorToCbor({ type: 'public-key', id: credentialId })],
      [3, userToCbor(user)],
    ]);
    await this.call(CRED_MGMT_SUBCMD.updateUserInformation, params, options, 'updateUserInformation', true);
  }
}

function decodeRp(answer: CborMap, c: string): StoredRp {
  const rp = read.map(answer, 3, c);
  const rpIdHash = read.bytes(answer, 4, c);
  const id = rp ? read.text(rp, 'id', c) : undefined;
  if (!rp || id === undefined || !rpIdHash || rpIdHash.length !== 32) {
    throw new CtapError('ERR_MALFORMED', `${c}: rp or rpIDHash is missing`);
  }
  const entity: { id: string; name?: string } = { id };
  const name = read.text(rp, 'name', c);
  if (name !== undefined) entity.name = name;
  return { rp: entity, rpIdHash };
}

function decodeCredential(answer: CborMap, c: string): StoredCredential {
  const publicKey = read.map(answer, 8, c);
  if (!answer.has(6) || !answer.has(7) || !publicKey) {
    throw new CtapError('ERR_MALFORMED', `${c}: user, credentialID or publicKey is missing`);
  }
  const out: StoredCredential = {
    user: decodeUser(answer.get(6), c),
    credentialId: decodeDescriptor(answer.get(7), c),
    publicKey: encodeCanonicalCbor(publicKey),
  };
  const credProtect = read.int(answer, 10, c);
  if (credProtect !== undefined) out.credProtect = credProtect;
  const largeBlobKey = read.bytes(answer, 11, c);
  if (largeBlobKey !== undefined) out.largeBlobKey = largeBlobKey;
  return out;
}
