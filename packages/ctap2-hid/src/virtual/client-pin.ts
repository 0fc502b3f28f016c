/** Internal: authenticatorClientPIN (CTAP 2.1 §6.5.5), protocols 1 and 2. */

import { bytesToUtf8, concatBytes, timingSafeEqual } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { CLIENT_PIN_SUBCMD, CTAP2_STATUS, PIN_PERMISSION } from '../ctap2/constants.ts';
import { bytesParam, type CborMap, intParam, mapParam, textParam } from './cbor-params.ts';
import { type Core, MAX_PIN_RETRIES, ok, PIN_MISMATCHES_BEFORE_AUTH_BLOCK } from './core.ts';
import type { PinProtocol } from './pin-protocol.ts';
import { fail } from './status.ts';

const P = {
  pinUvAuthProtocol: 1,
  subCommand: 2,
  keyAgreement: 3,
  pinUvAuthParam: 4,
  newPinEnc: 5,
  pinHashEnc: 6,
  permissions: 9,
  rpId: 0x0a,
} as const;

/** Permissions this authenticator can grant: no bio enrollment, no large blobs. */
const GRANTABLE = PIN_PERMISSION.mc | PIN_PERMISSION.ga | PIN_PERMISSION.cm | PIN_PERMISSION.acfg;

/**
 * Decrypts newPinEnc and applies the PIN policy (§6.5.5.5 steps 8–11, §6.5.1): exactly 64 padded
 * bytes, at least minPINLength code points, at most 63 bytes.
 */
function decryptNewPin(
  core: Core,
  protocol: PinProtocol,
  shared: Uint8Array,
  newPinEnc: Uint8Array,
): { hash: Uint8Array; codePoints: number } {
  const padded = protocol.decrypt(shared, newPinEnc);
  if (padded?.length !== 64) return fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'paddedNewPin length');
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  const pinBytes = padded.subarray(0, end);
  if (pinBytes.length > 63) return fail(CTAP2_STATUS.CTAP2_ERR_PIN_POLICY_VIOLATION, 'PIN longer than 63 bytes');
  let codePoints: number;
  try {
    codePoints = [...bytesToUtf8(pinBytes)].length;
  } catch {
    return fail(CTAP2_STATUS.CTAP2_ERR_PIN_POLICY_VIOLATION, 'PIN is not UTF-8');
  }
  if (codePoints < Math.max(4, core.state.minPinLength))
    return fail(CTAP2_STATUS.CTAP2_ERR_PIN_POLICY_VIOLATION, 'PIN too short');
  return { hash: sha256(pinBytes).slice(0, 16), codePoints };
}

/**
 * The shared PIN check of changePIN / getPinToken / getPinUvAuthTokenUsingPinWithPermissions
 * (§6.5.5.6–7): retries are decremented and persisted before the comparison; three mismatches in a
 * row block PIN use until a power cycle; zero retries block it until reset.
 */
function checkPin(core: Core, protocol: PinProtocol, shared: Uint8Array, pinHashEnc: Uint8Array): void {
  const stored = core.state.pin;
  if (!stored) fail(CTAP2_STATUS.CTAP2_ERR_PIN_NOT_SET);
  core.state.pinRetries -= 1;
  core.markDirty();
  core.flush();
  const pinHash = protocol.decrypt(shared, pinHashEnc);
  if (pinHash?.length !== 16 || !timingSafeEqual(pinHash, stored.hash)) {
    protocol.regenerate();
    core.consecutivePinMismatches += 1;
    if (core.state.pinRetries === 0) fail(CTAP2_STATUS.CTAP2_ERR_PIN_BLOCKED);
    if (core.consecutivePinMismatches >= PIN_MISMATCHES_BEFORE_AUTH_BLOCK) {
      core.pinAuthBlocked = true;
      fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_BLOCKED);
    }
    fail(CTAP2_STATUS.CTAP2_ERR_PIN_INVALID);
  }
  core.consecutivePinMismatches = 0;
  core.state.pinRetries = MAX_PIN_RETRIES;
  core.markDirty();
}

function pinGate(core: Core): void {
  if (!core.state.pin) fail(CTAP2_STATUS.CTAP2_ERR_PIN_NOT_SET);
  if (core.state.pinRetries === 0) fail(CTAP2_STATUS.CTAP2_ERR_PIN_BLOCKED);
  if (core.pinAuthBlocked) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_BLOCKED);
}

/** Handles authenticatorClientPIN. */
export function clientPin(core: Core, request: CborMap): Uint8Array {
  const subCommand = intParam(request, P.subCommand, true, 'subCommand');
  const version = intParam(request, P.pinUvAuthProtocol, false, 'pinUvAuthProtocol');
  switch (subCommand) {
    case CLIENT_PIN_SUBCMD.getPINRetries:
      return ok(
        new Map<number, unknown>([
          [3, core.state.pinRetries],
          [4, core.pinAuthBlocked],
        ]),
      );
    case CLIENT_PIN_SUBCMD.getKeyAgreement: {
      const protocol = core.protocol(version);
      return ok(new Map<number, unknown>([[1, protocol.publicKey()]]));
    }
    case CLIENT_PIN_SUBCMD.setPIN: {
      const protocol = core.protocol(version);
      const keyAgreement = mapParam(request, P.keyAgreement, true, 'keyAgreement');
      const pinUvAuthParam = bytesParam(request, P.pinUvAuthParam, true, 'pinUvAuthParam');
      const newPinEnc = bytesParam(request, P.newPinEnc, true, 'newPinEnc');
      if (core.state.pin) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'PIN already set');
      const shared = protocol.decapsulate(keyAgreement);
      if (!protocol.verify(shared, newPinEnc, pinUvAuthParam)) fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID);
      const pin = decryptNewPin(core, protocol, shared, newPinEnc);
      core.state.pin = pin;
      core.state.pinRetries = MAX_PIN_RETRIES;
      core.state.forcePinChange = false;
      core.markDirty();
      return ok();
    }
    case CLIENT_PIN_SUBCMD.changePIN: {
      const protocol = core.protocol(version);
      const keyAgreement = mapParam(request, P.keyAgreement, true, 'keyAgreement');
      const pinUvAuthParam = bytesParam(request, P.pinUvAuthParam, true, 'pinUvAuthParam');
      const newPinEnc = bytesParam(request, P.newPinEnc, true, 'newPinEnc');
      const pinHashEnc = bytesParam(request, P.pinHashEnc, true, 'pinHashEnc');
      pinGate(core);
      const shared = protocol.decapsulate(keyAgreement);
      if (!protocol.verify(shared, concatBytes(newPinEnc, pinHashEnc), pinUvAuthParam))
        fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID);
      checkPin(core, protocol, shared, pinHashEnc);
      const pin = decryptNewPin(core, protocol, shared, newPinEnc);
      if (core.state.forcePinChange && core.state.pin && timingSafeEqual(pin.hash, core.state.pin.hash))
        fail(CTAP2_STATUS.CTAP2_ERR_PIN_POLICY_VIOLATION, 'forcePINChange: same PIN');
      core.state.pin = pin;
      core.state.forcePinChange = false;
      core.markDirty();
      core.invalidateTokens();
      return ok();
    }
    case CLIENT_PIN_SUBCMD.getPINToken:
    case CLIENT_PIN_SUBCMD.getPinUvAuthTokenUsingPinWithPermissions: {
      const protocol = core.protocol(version);
      const keyAgreement = mapParam(request, P.keyAgreement, true, 'keyAgreement');
      const pinHashEnc = bytesParam(request, P.pinHashEnc, true, 'pinHashEnc');
      let permissions = PIN_PERMISSION.mc | PIN_PERMISSION.ga;
      let rpId: string | undefined;
      if (subCommand === CLIENT_PIN_SUBCMD.getPINToken) {
        // §6.5.5.7.1: getPinToken takes neither permissions nor an RP ID.
        if (request.has(P.permissions) || request.has(P.rpId))
          fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'getPinToken with permissions');
      } else {
        permissions = intParam(request, P.permissions, true, 'permissions');
        rpId = textParam(request, P.rpId, false, 'rpId');
        if (permissions <= 0 || permissions > 0xff) fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, 'permissions');
        if ((permissions & ~GRANTABLE) !== 0) fail(CTAP2_STATUS.CTAP2_ERR_UNAUTHORIZED_PERMISSION);
        if ((permissions & (PIN_PERMISSION.mc | PIN_PERMISSION.ga)) !== 0 && rpId === undefined)
          fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'rpId needed for mc/ga');
      }
      pinGate(core);
      const shared = protocol.decapsulate(keyAgreement);
      checkPin(core, protocol, shared, pinHashEnc);
      if (core.state.forcePinChange) fail(CTAP2_STATUS.CTAP2_ERR_PIN_INVALID, 'forcePINChange');
      core.invalidateTokens();
      core.token = { inUse: true, permissions, rpId, userVerified: true, startedAt: core.settings.now() };
      return ok(new Map<number, unknown>([[2, protocol.encrypt(shared, protocol.token)]]));
    }
    default:
      // No built-in user verification: 0x06 and 0x07 are unsupported like any unknown subCommand.
      return fail(CTAP2_STATUS.CTAP2_ERR_INVALID_SUBCOMMAND);
  }
}
