/** Internal: the CTAP2 command dispatcher, authenticatorGetInfo, authenticatorReset, authenticatorSelection. */
import { CTAP2_CMD, CTAP2_STATUS } from '../ctap2/constants.ts';
import { authenticatorConfig } from './authenticator-config.ts';
import { type CborMap, decodeRequestMap } from './cbor-params.ts';
import { clientPin } from './client-pin.ts';
import { type CommandContext, type Core, MAX_PIN_RETRIES, ok, RESET_WINDOW_MS } from './core.ts';
import { credentialManagement } from './credential-management.ts';
import { getAssertion, getNextAssertion } from './get-assertion.ts';
import { COSE_ALG, CREDENTIAL_ID_LENGTH } from './keys.ts';
import { makeCredential } from './make-credential.ts';
import { CtapStatus, fail } from './status.ts';

/** authenticatorGetInfo (CTAP 2.1 §6.4). */
function getInfo(core: Core): Uint8Array {
  const state = core.state;
  const options = new Map<string, boolean>([
    ['rk', true],
    ['up', true],
    ['plat', false],
    ['clientPin', state.pin !== null],
    ['credMgmt', true],
    ['authnrCfg', true],
    ['alwaysUv', state.alwaysUv],
    ['setMinPINLength', true],
    ['pinUvAuthToken', true],
    // makeCredUvNotRqd must be false while alwaysUv is on (§6.4).
    ['makeCredUvNotRqd', !state.alwaysUv],
    ['credentialMgmtPreview', true],
  ]);
  const algorithms = core.settings.algorithms.map(
    (alg) =>
      new Map<string, unknown>([
        ['alg', alg],
        ['type', 'public-key'],
      ]),
  );
  return ok(
    new Map<number, unknown>([
      [0x01, ['U2F_V2', 'FIDO_2_0', 'FIDO_2_1']],
      [0x02, ['credProtect', 'hmac-secret']],
      [0x03, state.aaguid],
      [0x04, options],
      [0x05, core.settings.maxMsgSize],
      [0x06, [2, 1]],
      [0x07, 8],
      [0x08, CREDENTIAL_ID_LENGTH],
      [0x09, ['usb']],
      [0x0a, algorithms],
      [0x0c, state.forcePinChange],
      [0x0d, state.minPinLength],
      [0x0e, core.settings.firmwareVersion],
      [0x10, 0],
      [0x14, Math.max(0, core.settings.maxCredentials - state.credentials.length)],
    ]),
  );
}

/** authenticatorReset (CTAP 2.1 §6.6): within 10 s of power-up, with a touch; wipes everything but attestation. */
async function reset(core: Core, context: CommandContext): Promise<Uint8Array> {
  if (core.settings.now() - core.powerUpAt > RESET_WINDOW_MS)
    fail(CTAP2_STATUS.CTAP2_ERR_NOT_ALLOWED, 'reset only within 10 s of power-up');
  await core.userPresence('reset', undefined, context);
  const state = core.state;
  state.masterKey = core.settings.random(32).slice();
  state.credentials = [];
  state.pin = null;
  state.pinRetries = MAX_PIN_RETRIES;
  state.minPinLength = core.settings.defaultMinPinLength;
  state.forcePinChange = false;
  state.alwaysUv = false;
  core.markDirty();
  core.invalidateTokens();
  core.consecutivePinMismatches = 0;
  core.pinAuthBlocked = false;
  return ok();
}

/** Commands that take no parameters must not carry any. */
function noParams(body: Uint8Array): void {
  if (body.length > 0) fail(CTAP2_STATUS.CTAP1_ERR_INVALID_LENGTH, 'command takes no parameters');
}

function params(body: Uint8Array): CborMap {
  return body.length === 0 ? new Map() : decodeRequestMap(body);
}

async function run(core: Core, command: number, body: Uint8Array, context: CommandContext): Promise<Uint8Array> {
  switch (command) {
    case CTAP2_CMD.getInfo:
      noParams(body);
      return getInfo(core);
    case CTAP2_CMD.makeCredential:
      return makeCredential(core, params(body), context);
    case CTAP2_CMD.getAssertion:
      return getAssertion(core, params(body), context);
    case CTAP2_CMD.getNextAssertion:
      noParams(body);
      return getNextAssertion(core);
    case CTAP2_CMD.clientPIN:
      return clientPin(core, params(body));
    case CTAP2_CMD.reset:
      noParams(body);
      return reset(core, context);
    case CTAP2_CMD.selection:
      noParams(body);
      await core.userPresence('selection', undefined, context);
      return ok();
    case CTAP2_CMD.credentialManagement:
    case CTAP2_CMD.prototypeCredentialManagement:
      return credentialManagement(core, params(body), body);
    case CTAP2_CMD.config:
      return authenticatorConfig(core, params(body), body);
    default:
      return fail(CTAP2_STATUS.CTAP1_ERR_INVALID_COMMAND, `command 0x${command.toString(16)}`);
  }
}

/**
 * Runs one CTAP2 request (command byte + CBOR parameters) and returns the answer (status byte +
 * CBOR). Never throws: every failure is a status byte. Persistent changes are flushed before return.
 */
export async function handleCtap2(core: Core, message: Uint8Array, context: CommandContext): Promise<Uint8Array> {
  const command = message[0] as number;
  const body = message.subarray(1);
  // Continuations only directly follow their own command (§6.3, §6.8.3).
  if (command !== CTAP2_CMD.getNextAssertion) core.nextAssertion = undefined;
  if (command !== CTAP2_CMD.credentialManagement && command !== CTAP2_CMD.prototypeCredentialManagement)
    core.enumeration = undefined;
  let answer: Uint8Array;
  try {
    answer = await run(core, command, body, context);
  } catch (error) {
    answer = new Uint8Array([error instanceof CtapStatus ? error.status : CTAP2_STATUS.CTAP1_ERR_OTHER]);
  }
  try {
    core.flush();
  } catch {
    return new Uint8Array([CTAP2_STATUS.CTAP1_ERR_OTHER]);
  }
  return answer;
}

export { COSE_ALG };
