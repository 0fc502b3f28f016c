/** Internal: authenticatorCredentialManagement (CTAP 2.1 §6.8; also the 0x41 preview command). */
import { concatBytes, equalBytes } from '@keyward/internal';
import { CRED_MGMT_SUBCMD, CTAP2_STATUS, PIN_PERMISSION } from '../ctap2/constants.ts';
import {
  bytesParam,
  type CborMap,
  intParam,
  mapParam,
  parseDescriptor,
  rawMapValue,
  textParam,
} from './cbor-params.ts';
import { type Core, ok, rpIdHash } from './core.ts';
import type { ResidentCredential } from './device-state.ts';
import { cosePublicKey } from './keys.ts';
import { fail } from './status.ts';

const P = { subCommand: 1, subCommandParams: 2, pinUvAuthProtocol: 3, pinUvAuthParam: 4 } as const;

function rpEntry(credential: ResidentCredential, total?: number): Map<number, unknown> {
  const rp = new Map<string, unknown>([['id', credential.rpId]]);
  if (credential.rpName !== undefined) rp.set('name', credential.rpName);
  const out = new Map<number, unknown>([
    [3, rp],
    [4, rpIdHash(credential.rpId)],
  ]);
  if (total !== undefined) out.set(5, total);
  return out;
}

function userEntity(credential: ResidentCredential): Map<string, unknown> {
  const user = new Map<string, unknown>([['id', credential.userId]]);
  if (credential.userName !== undefined) user.set('name', credential.userName);
  if (credential.userDisplayName !== undefined) user.set('displayName', credential.userDisplayName);
  return user;
}

function credentialEntry(credential: ResidentCredential, total?: number): Map<number, unknown> {
  const out = new Map<number, unknown>([
    [6, userEntity(credential)],
    [
      7,
      new Map<string, unknown>([
        ['id', credential.id],
        ['type', 'public-key'],
      ]),
    ],
    [8, cosePublicKey(credential.alg, credential.privateKey)],
    [0x0a, credential.credProtect],
  ]);
  if (total !== undefined) out.set(9, total);
  return out;
}

function findById(core: Core, params: CborMap): ResidentCredential {
  const descriptor = parseDescriptor(params.get(2) ?? fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER), 'credentialId');
  const found = core.state.credentials.find((c) => equalBytes(c.id, descriptor.id));
  if (!found) return fail(CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS);
  return found;
}

/** Handles authenticatorCredentialManagement. */
export function credentialManagement(core: Core, request: CborMap, body: Uint8Array): Uint8Array {
  const subCommand = intParam(request, P.subCommand, true, 'subCommand');
  const params = mapParam(request, P.subCommandParams, false, 'subCommandParams');
  const version = intParam(request, P.pinUvAuthProtocol, false, 'pinUvAuthProtocol');
  const pinUvAuthParam = bytesParam(request, P.pinUvAuthParam, false, 'pinUvAuthParam');

  const continuation =
    subCommand === CRED_MGMT_SUBCMD.enumerateRPsGetNextRP ||
    subCommand === CRED_MGMT_SUBCMD.enumerateCredentialsGetNextCredential;
  if (continuation) {
    const wanted = subCommand === CRED_MGMT_SUBCMD.enumerateRPsGetNextRP ? 'rps' : 'credentials';
    const enumeration = core.enumeration;
    if (!enumeration || enumeration.kind !== wanted || enumeration.index >= enumeration.items.length) {
      core.enumeration = undefined;
      return fail(CTAP2_STATUS.CTAP2_ERR_NOT_ALLOWED, 'no enumeration in progress');
    }
    const item = enumeration.items[enumeration.index++] as Map<number, unknown>;
    if (enumeration.index >= enumeration.items.length) core.enumeration = undefined;
    return ok(item);
  }
  const known = Object.values(CRED_MGMT_SUBCMD) as number[];
  if (!known.includes(subCommand)) return fail(CTAP2_STATUS.CTAP2_ERR_INVALID_SUBCOMMAND);

  // §6.8.2: pinUvAuthParam = authenticate(token, subCommand ‖ subCommandParams as sent).
  if (pinUvAuthParam === undefined) fail(CTAP2_STATUS.CTAP2_ERR_PUAT_REQUIRED);
  if (version === undefined) fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'pinUvAuthProtocol');
  const rawParams = rawMapValue(body, P.subCommandParams) ?? new Uint8Array(0);
  let tokenRp: string | undefined;
  const bound = (): void => {
    tokenRp = core.token.rpId;
  };
  const message = concatBytes(new Uint8Array([subCommand]), rawParams);
  core.checkToken(version, pinUvAuthParam, message, PIN_PERMISSION.cm, undefined, false);
  bound();

  switch (subCommand) {
    case CRED_MGMT_SUBCMD.getCredsMetadata: {
      if (tokenRp !== undefined) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token bound to an RP');
      return ok(
        new Map<number, unknown>([
          [1, core.state.credentials.length],
          [2, Math.max(0, core.settings.maxCredentials - core.state.credentials.length)],
        ]),
      );
    }
    case CRED_MGMT_SUBCMD.enumerateRPsBegin: {
      if (tokenRp !== undefined) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token bound to an RP');
      const byRp = new Map<string, ResidentCredential>();
      for (const c of core.state.credentials) if (!byRp.has(c.rpId)) byRp.set(c.rpId, c);
      const rps = [...byRp.values()];
      if (rps.length === 0) fail(CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS);
      const items = rps.map((c, i) => rpEntry(c, i === 0 ? rps.length : undefined));
      core.enumeration = items.length > 1 ? { kind: 'rps', items, index: 1 } : undefined;
      return ok(items[0]);
    }
    case CRED_MGMT_SUBCMD.enumerateCredentialsBegin: {
      if (!params) return fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'subCommandParams');
      const hash = bytesParam(params, 1, true, 'rpIDHash');
      if (tokenRp !== undefined && !equalBytes(rpIdHash(tokenRp), hash))
        fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token bound to another RP');
      const creds = core.state.credentials
        .filter((c) => equalBytes(rpIdHash(c.rpId), hash))
        .sort((a, b) => b.created - a.created);
      if (creds.length === 0) fail(CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS);
      const items = creds.map((c, i) => credentialEntry(c, i === 0 ? creds.length : undefined));
      core.enumeration = items.length > 1 ? { kind: 'credentials', items, index: 1 } : undefined;
      return ok(items[0]);
    }
    case CRED_MGMT_SUBCMD.deleteCredential: {
      if (!params) return fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'subCommandParams');
      const found = findById(core, params);
      if (tokenRp !== undefined && tokenRp !== found.rpId)
        fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token bound to another RP');
      core.state.credentials = core.state.credentials.filter((c) => c !== found);
      core.markDirty();
      return ok();
    }
    default: {
      // updateUserInformation
      if (!params) return fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'subCommandParams');
      const found = findById(core, params);
      const user = mapParam(params, 3, true, 'user');
      const userId = bytesParam(user, 'id', true, 'user.id');
      const name = textParam(user, 'name', false, 'user.name');
      const displayName = textParam(user, 'displayName', false, 'user.displayName');
      if (tokenRp !== undefined && tokenRp !== found.rpId)
        fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token bound to another RP');
      if (!equalBytes(userId, found.userId)) fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'user.id differs');
      // §6.8.7: absent fields are removed, present ones replaced.
      delete found.userName;
      delete found.userDisplayName;
      if (name !== undefined) found.userName = name;
      if (displayName !== undefined) found.userDisplayName = displayName;
      core.markDirty();
      return ok();
    }
  }
}
