/** Internal: authenticatorConfig (CTAP 2.1 §6.11): toggleAlwaysUv and setMinPINLength. */
import { concatBytes } from '@keyward/internal';
import { CONFIG_SUBCMD, CTAP2_STATUS, PIN_PERMISSION } from '../ctap2/constants.ts';
import { arrayParam, boolParam, bytesParam, type CborMap, intParam, mapParam, rawMapValue } from './cbor-params.ts';
import { type Core, ok } from './core.ts';
import { fail } from './status.ts';

const P = { subCommand: 1, subCommandParams: 2, pinUvAuthProtocol: 3, pinUvAuthParam: 4 } as const;

/** Handles authenticatorConfig. */
export function authenticatorConfig(core: Core, request: CborMap, body: Uint8Array): Uint8Array {
  const subCommand = intParam(request, P.subCommand, true, 'subCommand');
  const params = mapParam(request, P.subCommandParams, false, 'subCommandParams');
  const version = intParam(request, P.pinUvAuthProtocol, false, 'pinUvAuthProtocol');
  const pinUvAuthParam = bytesParam(request, P.pinUvAuthParam, false, 'pinUvAuthParam');
  if (subCommand === CONFIG_SUBCMD.enableEnterpriseAttestation)
    fail(CTAP2_STATUS.CTAP1_ERR_INVALID_COMMAND, 'not enterprise-attestation capable');
  if (subCommand !== CONFIG_SUBCMD.toggleAlwaysUv && subCommand !== CONFIG_SUBCMD.setMinPINLength)
    fail(CTAP2_STATUS.CTAP2_ERR_INVALID_SUBCOMMAND);

  // §6.11.1: with a PIN set (or alwaysUv on), the command needs a token with the acfg permission,
  // over 32×0xFF ‖ 0x0D ‖ subCommand ‖ subCommandParams.
  if (core.pinSet || core.state.alwaysUv || pinUvAuthParam !== undefined) {
    if (pinUvAuthParam === undefined) fail(CTAP2_STATUS.CTAP2_ERR_PUAT_REQUIRED);
    if (version === undefined) fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'pinUvAuthProtocol');
    const message = concatBytes(
      new Uint8Array(32).fill(0xff),
      new Uint8Array([0x0d, subCommand]),
      rawMapValue(body, P.subCommandParams) ?? new Uint8Array(0),
    );
    core.checkToken(version, pinUvAuthParam, message, PIN_PERMISSION.acfg, undefined, false);
  }

  if (subCommand === CONFIG_SUBCMD.toggleAlwaysUv) {
    core.state.alwaysUv = !core.state.alwaysUv;
    core.markDirty();
    return ok();
  }
  // setMinPINLength (§6.11.4): the minimum only grows.
  const newMin = params ? intParam(params, 1, false, 'newMinPINLength') : undefined;
  const rpIds = params ? arrayParam(params, 2, false, 'minPinLengthRPIDs') : undefined;
  const forceChange = params ? boolParam(params, 3, 'forceChangePin') : undefined;
  if (rpIds !== undefined && rpIds.length > 0) fail(CTAP2_STATUS.CTAP2_ERR_KEY_STORE_FULL, 'no minPinLength RP IDs');
  const target = newMin ?? core.state.minPinLength;
  if (target < core.state.minPinLength) fail(CTAP2_STATUS.CTAP2_ERR_PIN_POLICY_VIOLATION, 'minimum can only grow');
  if (target > 63) fail(CTAP2_STATUS.CTAP2_ERR_PIN_POLICY_VIOLATION, 'minimum above 63');
  if (forceChange === true && !core.pinSet) fail(CTAP2_STATUS.CTAP2_ERR_PIN_NOT_SET);
  core.state.minPinLength = target;
  if (core.state.pin && (forceChange === true || core.state.pin.codePoints < target)) core.state.forcePinChange = true;
  core.markDirty();
  return ok();
}
