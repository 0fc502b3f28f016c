/** Internal: authenticatorGetAssertion and authenticatorGetNextAssertion (CTAP 2.1 §6.2, §6.3). */

import { concatBytes } from '@keyward/internal';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CTAP2_STATUS, PIN_PERMISSION } from '../ctap2/constants.ts';
import { buildAuthData, FLAG, pinUvAuthProbe, readOptions } from './auth-data.ts';
import { bytesParam, type CborMap, intParam, mapParam, parseDescriptorList, textParam } from './cbor-params.ts';
import { type CommandContext, type Core, type FoundCredential, NEXT_ASSERTION_MS, ok, rpIdHash } from './core.ts';
import { credRandom, signData } from './keys.ts';
import type { PinProtocol } from './pin-protocol.ts';
import { fail } from './status.ts';

const P = {
  rpId: 1,
  clientDataHash: 2,
  allowList: 3,
  extensions: 4,
  options: 5,
  pinUvAuthParam: 6,
  pinUvAuthProtocol: 7,
} as const;

interface HmacSecretInput {
  protocol: PinProtocol;
  sharedSecret: Uint8Array;
  salts: Uint8Array;
}

/** hmac-secret input (CTAP 2.1 §12.5): keyAgreement 1, saltEnc 2, saltAuth 3, pinUvAuthProtocol 4. */
function readHmacSecret(core: Core, input: unknown): HmacSecretInput {
  if (!(input instanceof Map)) return fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'hmac-secret');
  const keyAgreement = mapParam(input, 1, true, 'hmac-secret keyAgreement');
  const saltEnc = bytesParam(input, 2, true, 'hmac-secret saltEnc');
  const saltAuth = bytesParam(input, 3, true, 'hmac-secret saltAuth');
  const protocol = core.protocol(intParam(input, 4, false, 'hmac-secret pinUvAuthProtocol') ?? 1);
  const sharedSecret = protocol.decapsulate(keyAgreement);
  if (!protocol.verify(sharedSecret, saltEnc, saltAuth))
    fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'saltAuth does not verify');
  const salts = protocol.decrypt(sharedSecret, saltEnc);
  if (!salts || (salts.length !== 32 && salts.length !== 64))
    fail(CTAP2_STATUS.CTAP1_ERR_INVALID_LENGTH, 'salts must be 32 or 64 bytes');
  return { protocol, sharedSecret, salts };
}

function hmacSecretOutput(input: HmacSecretInput, credential: FoundCredential, uv: boolean): Uint8Array {
  const key = credRandom(credential.privateKey, uv);
  const outputs = [hmac(sha256, key, input.salts.subarray(0, 32))];
  if (input.salts.length === 64) outputs.push(hmac(sha256, key, input.salts.subarray(32, 64)));
  return input.protocol.encrypt(input.sharedSecret, concatBytes(...outputs));
}

interface AssertionRun {
  hash: Uint8Array;
  clientDataHash: Uint8Array;
  up: boolean;
  uv: boolean;
  hmacSecret: HmacSecretInput | undefined;
  discoverable: boolean;
}

function assertion(core: Core, run: AssertionRun, credential: FoundCredential, count: number | undefined): Uint8Array {
  const extensions = new Map<string, unknown>();
  if (run.hmacSecret && credential.hmacSecret)
    extensions.set('hmac-secret', hmacSecretOutput(run.hmacSecret, credential, run.uv));
  const authData = buildAuthData(
    run.hash,
    (run.up ? FLAG.UP : 0) | (run.uv ? FLAG.UV : 0),
    core.nextSignCount(),
    undefined,
    extensions,
  );
  const signature = signData(credential.alg, credential.privateKey, concatBytes(authData, run.clientDataHash));
  const response = new Map<number, unknown>([
    [
      1,
      new Map<string, unknown>([
        ['id', credential.id],
        ['type', 'public-key'],
      ]),
    ],
    [2, authData],
    [3, signature],
  ]);
  const resident = credential.resident;
  if (resident) {
    const user = new Map<string, unknown>([['id', resident.userId]]);
    // §6.2.2: user-identifying fields only when the authenticator verified the user.
    if (run.uv && run.discoverable) {
      if (resident.userName !== undefined) user.set('name', resident.userName);
      if (resident.userDisplayName !== undefined) user.set('displayName', resident.userDisplayName);
    }
    response.set(4, user);
  }
  if (count !== undefined) response.set(5, count);
  return ok(response);
}

/** Handles authenticatorGetAssertion. */
export async function getAssertion(core: Core, request: CborMap, context: CommandContext): Promise<Uint8Array> {
  const probeRp = request.get(P.rpId);
  const pinUvAuthParam = await pinUvAuthProbe(
    core,
    request,
    P.pinUvAuthParam,
    typeof probeRp === 'string' ? probeRp : undefined,
    context,
  );
  const protocolVersion = intParam(request, P.pinUvAuthProtocol, false, 'pinUvAuthProtocol');
  if (pinUvAuthParam !== undefined) core.protocol(protocolVersion);
  const rpId = textParam(request, P.rpId, true, 'rpId');
  const clientDataHash = bytesParam(request, P.clientDataHash, true, 'clientDataHash');
  const allowList = parseDescriptorList(request, P.allowList, 'allowList');
  const extensions = mapParam(request, P.extensions, false, 'extensions');
  const options = readOptions(mapParam(request, P.options, false, 'options'));
  if (options.has('rk')) fail(CTAP2_STATUS.CTAP2_ERR_UNSUPPORTED_OPTION, 'rk is not a getAssertion option');
  if (options.get('uv') === true && pinUvAuthParam === undefined)
    fail(CTAP2_STATUS.CTAP2_ERR_INVALID_OPTION, 'no built-in user verification');
  const up = options.get('up') !== false;

  // §6.2.2 step 6: a pinUvAuthParam is checked only once a PIN protects the authenticator.
  let uv = false;
  if (pinUvAuthParam !== undefined && core.pinSet) {
    core.checkToken(protocolVersion, pinUvAuthParam, clientDataHash, PIN_PERMISSION.ga, rpId, true);
    if (!core.token.userVerified) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token used up');
    uv = true;
  } else if (core.state.alwaysUv && up) {
    fail(CTAP2_STATUS.CTAP2_ERR_PUAT_REQUIRED, 'alwaysUv');
  }

  const hmacInput = extensions?.get('hmac-secret');
  const hmacSecret = hmacInput === undefined ? undefined : readHmacSecret(core, hmacInput);

  // Locate credentials (§6.2.2 step 7), honouring credProtect (§12.1).
  const hash = rpIdHash(rpId);
  let credentials: FoundCredential[] = [];
  const discoverable = allowList === undefined || allowList.length === 0;
  if (!discoverable) {
    for (const descriptor of allowList) {
      if (descriptor.type !== 'public-key') continue;
      const found = core.findCredential(hash, descriptor.id);
      if (found && (found.credProtect < 3 || uv)) {
        credentials = [found];
        break;
      }
    }
  } else {
    credentials = core.state.credentials
      .filter((c) => c.rpId === rpId && (c.credProtect === 1 || uv))
      .sort((a, b) => b.created - a.created)
      .map((resident) => ({
        id: resident.id,
        alg: resident.alg,
        privateKey: resident.privateKey,
        credProtect: resident.credProtect,
        resident,
        hmacSecret: resident.hmacSecret,
      }));
  }
  if (credentials.length === 0) fail(CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS);

  // §6.2.2 step 9: the touch, then the token is spent (only when up is requested).
  if (up) {
    await core.userPresence('getAssertion', rpId, context, CTAP2_STATUS.CTAP2_ERR_OPERATION_DENIED);
    if (uv) core.consumeToken();
  }

  const run: AssertionRun = { hash, clientDataHash, up, uv, hmacSecret, discoverable };
  const [first, ...rest] = credentials as [FoundCredential, ...FoundCredential[]];
  const answer = assertion(core, run, first, discoverable && credentials.length > 1 ? credentials.length : undefined);
  if (rest.length > 0) {
    let index = 0;
    core.nextAssertion = {
      expiresAt: core.settings.now() + NEXT_ASSERTION_MS,
      run: () => {
        const next = rest[index++] as FoundCredential;
        if (index >= rest.length) core.nextAssertion = undefined;
        else if (core.nextAssertion) core.nextAssertion.expiresAt = core.settings.now() + NEXT_ASSERTION_MS;
        return assertion(core, run, next, undefined);
      },
    };
  }
  return answer;
}

/** Handles authenticatorGetNextAssertion: only right after getAssertion, within 30 s. */
export function getNextAssertion(core: Core): Uint8Array {
  const next = core.nextAssertion;
  if (!next || core.settings.now() > next.expiresAt) {
    core.nextAssertion = undefined;
    return fail(CTAP2_STATUS.CTAP2_ERR_NOT_ALLOWED, 'no assertion pending');
  }
  return next.run();
}
