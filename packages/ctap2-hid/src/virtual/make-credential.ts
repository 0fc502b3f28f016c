/** Internal: authenticatorMakeCredential (CTAP 2.1 §6.1). */
import { concatBytes } from '@keyward/internal';
import { CTAP2_STATUS, PIN_PERMISSION } from '../ctap2/constants.ts';
import { buildAuthData, FLAG, pinUvAuthProbe, readOptions } from './auth-data.ts';
import {
  arrayParam,
  bytesParam,
  type CborMap,
  intParam,
  mapParam,
  parseDescriptorList,
  textParam,
} from './cbor-params.ts';
import { type CommandContext, type Core, ok, rpIdHash, supportedAlg } from './core.ts';
import type { ResidentCredential } from './device-state.ts';
import { COSE_ALG, type CredentialAlg, cosePublicKey, generatePrivateKey, signData, wrapCredential } from './keys.ts';
import { fail } from './status.ts';

const P = {
  clientDataHash: 1,
  rp: 2,
  user: 3,
  pubKeyCredParams: 4,
  excludeList: 5,
  extensions: 6,
  options: 7,
  pinUvAuthParam: 8,
  pinUvAuthProtocol: 9,
  enterpriseAttestation: 0x0a,
  attestationFormatsPreference: 0x0b,
} as const;

function pickAlgorithm(core: Core, params: unknown[]): CredentialAlg {
  for (const [i, entry] of params.entries()) {
    if (!(entry instanceof Map)) fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, `pubKeyCredParams[${i}]`);
    const type = textParam(entry, 'type', true, `pubKeyCredParams[${i}].type`);
    const alg = intParam(entry, 'alg', true, `pubKeyCredParams[${i}].alg`);
    if (type === 'public-key' && supportedAlg(alg, core.settings.algorithms)) return alg;
  }
  return fail(CTAP2_STATUS.CTAP2_ERR_UNSUPPORTED_ALGORITHM, 'no supported algorithm');
}

/** Handles authenticatorMakeCredential. */
export async function makeCredential(core: Core, request: CborMap, context: CommandContext): Promise<Uint8Array> {
  const rpForProbe = request.get(P.rp) instanceof Map ? (request.get(P.rp) as CborMap).get('id') : undefined;
  const pinUvAuthParam = await pinUvAuthProbe(
    core,
    request,
    P.pinUvAuthParam,
    typeof rpForProbe === 'string' ? rpForProbe : undefined,
    context,
  );
  const protocolVersion = intParam(request, P.pinUvAuthProtocol, false, 'pinUvAuthProtocol');
  if (pinUvAuthParam !== undefined) core.protocol(protocolVersion);

  const clientDataHash = bytesParam(request, P.clientDataHash, true, 'clientDataHash');
  const rp = mapParam(request, P.rp, true, 'rp');
  const user = mapParam(request, P.user, true, 'user');
  const pubKeyCredParams = arrayParam(request, P.pubKeyCredParams, true, 'pubKeyCredParams');
  const rpId = textParam(rp, 'id', true, 'rp.id');
  const rpName = textParam(rp, 'name', false, 'rp.name');
  const userId = bytesParam(user, 'id', true, 'user.id');
  const userName = textParam(user, 'name', false, 'user.name');
  const userDisplayName = textParam(user, 'displayName', false, 'user.displayName');
  if (userId.length > 64) fail(CTAP2_STATUS.CTAP1_ERR_INVALID_LENGTH, 'user.id longer than 64 bytes');
  const excludeList = parseDescriptorList(request, P.excludeList, 'excludeList');
  const extensions = mapParam(request, P.extensions, false, 'extensions');
  const options = readOptions(mapParam(request, P.options, false, 'options'));
  const formats = arrayParam(request, P.attestationFormatsPreference, false, 'attestationFormatsPreference');
  const alg = pickAlgorithm(core, pubKeyCredParams);

  // Options (§6.1.2 step 5): up=false is invalid for makeCredential; uv needs built-in UV, which we lack.
  if (options.get('up') === false) fail(CTAP2_STATUS.CTAP2_ERR_INVALID_OPTION, 'up=false');
  if (options.get('uv') === true && pinUvAuthParam === undefined)
    fail(CTAP2_STATUS.CTAP2_ERR_INVALID_OPTION, 'no built-in user verification');
  const rk = options.get('rk') === true;
  // Not enterprise-attestation capable (§6.1.2 step 8).
  if (request.has(P.enterpriseAttestation))
    fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'enterprise attestation unsupported');

  // User verification (§6.1.2 steps 6, 7, 11): a pinUvAuthParam is checked only once a PIN
  // protects the authenticator (without one there is no token it could have been made with).
  let uv = false;
  if (pinUvAuthParam !== undefined && core.pinSet) {
    core.checkToken(protocolVersion, pinUvAuthParam, clientDataHash, PIN_PERMISSION.mc, rpId, true);
    if (!core.token.userVerified) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token used up');
    uv = true;
  } else if (core.state.alwaysUv) {
    fail(CTAP2_STATUS.CTAP2_ERR_PUAT_REQUIRED, 'alwaysUv');
  } else if (core.pinSet && rk && pinUvAuthParam === undefined) {
    // makeCredUvNotRqd covers non-discoverable credentials only.
    fail(CTAP2_STATUS.CTAP2_ERR_PUAT_REQUIRED, 'PIN set, discoverable credential');
  }

  // Extensions (§12.1 credProtect, §12.5 hmac-secret); unknown ones are ignored.
  let credProtect: 1 | 2 | 3 = 1;
  let credProtectRequested = false;
  let hmacSecret = false;
  const requestedProtect = extensions?.get('credProtect');
  if (requestedProtect !== undefined) {
    if (typeof requestedProtect !== 'number') fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'credProtect');
    if (requestedProtect === 1 || requestedProtect === 2 || requestedProtect === 3) {
      credProtect = requestedProtect;
      credProtectRequested = true;
    }
  }
  const requestedHmac = extensions?.get('hmac-secret');
  if (requestedHmac !== undefined) {
    if (typeof requestedHmac !== 'boolean') fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'hmac-secret');
    hmacSecret = requestedHmac;
  }

  const hash = rpIdHash(rpId);
  // excludeList (§6.1.2 step 12): a match asks for a touch, then CREDENTIAL_EXCLUDED.
  for (const descriptor of excludeList ?? []) {
    if (descriptor.type !== 'public-key') continue;
    const found = core.findCredential(hash, descriptor.id);
    if (!found) continue;
    if (found.credProtect === 3 && !uv) continue;
    try {
      await core.userPresence('credentialExcluded', rpId, context);
    } catch (error) {
      if ((error as { status?: number }).status === CTAP2_STATUS.CTAP2_ERR_KEEPALIVE_CANCEL) throw error;
    }
    return fail(CTAP2_STATUS.CTAP2_ERR_CREDENTIAL_EXCLUDED);
  }

  if (rk) {
    const replacing = core.state.credentials.some((c) => c.rpId === rpId && equal(c.userId, userId));
    if (!replacing && core.state.credentials.length >= core.settings.maxCredentials)
      fail(CTAP2_STATUS.CTAP2_ERR_KEY_STORE_FULL);
  }

  // User presence (§6.1.2 step 14), then the token is spent.
  await core.userPresence('makeCredential', rpId, context, CTAP2_STATUS.CTAP2_ERR_OPERATION_DENIED);
  if (uv) core.consumeToken();

  const privateKey = generatePrivateKey(alg, core.settings.random);
  const id = wrapCredential(
    core.state.masterKey,
    hash,
    { kind: rk ? 1 : 0, alg, credProtect, hmacSecret, privateKey },
    core.settings.random,
  );
  if (rk) {
    core.state.credentials = core.state.credentials.filter((c) => !(c.rpId === rpId && equal(c.userId, userId)));
    const record: ResidentCredential = {
      id,
      rpId,
      userId,
      alg,
      privateKey,
      credProtect,
      hmacSecret,
      created: core.state.nextCreated++,
    };
    if (rpName !== undefined) record.rpName = rpName;
    if (userName !== undefined) record.userName = userName;
    if (userDisplayName !== undefined) record.userDisplayName = userDisplayName;
    core.state.credentials.push(record);
    core.markDirty();
  }

  const outExtensions = new Map<string, unknown>();
  if (credProtectRequested) outExtensions.set('credProtect', credProtect);
  if (requestedHmac !== undefined) outExtensions.set('hmac-secret', hmacSecret);
  const authData = buildAuthData(
    hash,
    FLAG.UP | (uv ? FLAG.UV : 0),
    core.nextSignCount(),
    { aaguid: core.state.aaguid, credentialId: id, publicKey: cosePublicKey(alg, privateKey) },
    outExtensions,
  );

  let format = core.settings.attestation;
  if (formats) {
    // attestationFormatsPreference (CTAP 2.2 §6.1): the first one we support wins.
    const preferred = formats.find((f) => f === 'none' || f === 'packed');
    if (preferred === 'none') format = 'none';
    else if (preferred === 'packed' && format === 'none') format = 'packed';
  }
  const signed = concatBytes(authData, clientDataHash);
  let fmt: string;
  let attStmt: Map<string, unknown>;
  if (format === 'none') {
    fmt = 'none';
    attStmt = new Map();
  } else if (format === 'self') {
    fmt = 'packed';
    attStmt = new Map<string, unknown>([
      ['alg', alg],
      ['sig', signData(alg, privateKey, signed)],
    ]);
  } else {
    fmt = 'packed';
    attStmt = new Map<string, unknown>([
      ['alg', COSE_ALG.ES256],
      ['sig', signData(COSE_ALG.ES256, core.state.batchPrivateKey, signed)],
      ['x5c', [core.state.batchCertificate]],
    ]);
  }
  return ok(
    new Map<number, unknown>([
      [1, fmt],
      [2, authData],
      [3, attStmt],
    ]),
  );
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
