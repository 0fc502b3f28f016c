/** authenticatorClientPIN (CTAP 2.1 §6.5), platform side. */
import { concatBytes, utf8ToBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { CLIENT_PIN_SUBCMD, CTAP2_CMD, PIN_PERMISSION } from '../ctap2/constants.ts';
import { CtapError } from '../errors.ts';
import type { CallOptions } from '../hid/channel.ts';
import { type CborMap, read } from './cbor.ts';
import type { Connection, PinUvAuthToken } from './connection.ts';
import type { AuthenticatorInfo } from './info.ts';
import type { PinProtocolHost } from './pin-protocol.ts';

/** What getPINRetries answered (CTAP 2.1 §6.5.5.2). */
export interface PinRetries {
  /** PIN attempts left before the PIN is blocked (at 0 only a reset helps). */
  retries: number;
  /** True when the key must be unplugged and plugged in again before the next PIN attempt. */
  powerCycleState?: boolean;
}

/** The PIN operations of a key: `client.clientPin`. */
export interface ClientPin {
  /**
   * Asks how many PIN attempts are left.
   *
   * @param options - Cancellation, keepalive callback, timeouts.
   * @returns The retries left and whether a power cycle is needed.
   * @throws {@link CtapError} `CTAP2_ERR_PIN_NOT_SET` on keys that answer so without a PIN.
   */
  getRetries(options?: CallOptions): Promise<PinRetries>;
  /**
   * Sets the first PIN of a key that has none.
   *
   * @param pin - The new PIN; normalised to NFC, at least `minPINLength` code points, at most 63 bytes.
   * @param options - Cancellation, keepalive callback, timeouts.
   * @throws {@link CtapError} `ERR_PIN_TOO_SHORT` / `ERR_PIN_TOO_LONG` before anything is sent.
   * @throws {@link CtapError} `CTAP2_ERR_PIN_AUTH_INVALID` when a PIN is already set.
   */
  setPin(pin: string, options?: CallOptions): Promise<void>;
  /**
   * Changes the PIN.
   *
   * @param oldPin - The current PIN.
   * @param newPin - The new PIN (same rules as {@link ClientPin.setPin}).
   * @param options - Cancellation, keepalive callback, timeouts.
   * @throws {@link CtapError} `CTAP2_ERR_PIN_INVALID`, `CTAP2_ERR_PIN_AUTH_BLOCKED`, `CTAP2_ERR_PIN_BLOCKED`,
   * `CTAP2_ERR_PIN_POLICY_VIOLATION`.
   */
  changePin(oldPin: string, newPin: string, options?: CallOptions): Promise<void>;
  /**
   * Gets a pinUvAuthToken with the PIN. With `permissions` on a CTAP 2.1 key the token carries
   * exactly those (mc and ga need `rpId`) and is bound to `rpId` when given; without them, or on a
   * CTAP 2.0 key, the legacy getPINToken gives a token for makeCredential and getAssertion. The
   * client remembers the token for later `credentialManagement` and `config` calls.
   *
   * @param pin - The PIN.
   * @param permissions - `PIN_PERMISSION` bits; leave out for the legacy mc | ga token.
   * @param rpId - The RP ID to bind the token to.
   * @param options - Cancellation, keepalive callback, timeouts.
   * @returns The token and what it was asked for.
   * @throws {@link CtapError} `ERR_INVALID_ARGUMENT` for bad permissions or mc/ga without `rpId`.
   * @throws {@link CtapError} `CTAP2_ERR_PIN_INVALID`, `CTAP2_ERR_PIN_AUTH_BLOCKED`, `CTAP2_ERR_PIN_BLOCKED`.
   */
  getPinToken(pin: string, permissions?: number, rpId?: string, options?: CallOptions): Promise<PinUvAuthToken>;
}

/** Internal: NFC-normalised PIN bytes, checked against the key's rules (CTAP 2.1 §6.5.1). */
export function preparePin(pin: string, minLength: number, what: string): Uint8Array {
  if (typeof pin !== 'string') throw new CtapError('ERR_INVALID_ARGUMENT', `${what} must be a string`);
  const normalised = pin.normalize('NFC');
  const codePoints = [...normalised].length;
  if (codePoints < minLength) {
    throw new CtapError(
      'ERR_PIN_TOO_SHORT',
      `${what} has ${codePoints} characters; this key needs at least ${minLength}`,
    );
  }
  const bytes = utf8ToBytes(normalised);
  if (bytes.length > 63) {
    throw new CtapError('ERR_PIN_TOO_LONG', `${what} is ${bytes.length} bytes of UTF-8; at most 63 are allowed`);
  }
  return bytes;
}

function padPin(pin: Uint8Array): Uint8Array {
  // §6.5.5.5: paddedNewPin is the PIN followed by zeros up to 64 bytes.
  const out = new Uint8Array(64);
  out.set(pin);
  return out;
}

function pinHash(pin: Uint8Array): Uint8Array {
  return sha256(pin).slice(0, 16);
}

/** Internal: `client.clientPin`. */
export class ClientPinImpl implements ClientPin {
  private readonly conn: Connection;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  private async context(options: CallOptions): Promise<{ info: AuthenticatorInfo; protocol: PinProtocolHost }> {
    const info = await this.conn.getInfo(options);
    if (info.options.clientPin === undefined) {
      throw new CtapError('ERR_UNSUPPORTED', 'this key does not support a PIN (no clientPin option in getInfo)');
    }
    return { info, protocol: this.conn.protocol(info) };
  }

  private pinCommand(params: CborMap, options: CallOptions, what: string): Promise<CborMap> {
    return this.conn.command(CTAP2_CMD.clientPIN, params, options, `clientPIN.${what}`);
  }

  private async keyAgreement(protocol: PinProtocolHost, options: CallOptions) {
    const answer = await this.pinCommand(
      new Map<unknown, unknown>([
        [1, protocol.version],
        [2, CLIENT_PIN_SUBCMD.getKeyAgreement],
      ]),
      options,
      'getKeyAgreement',
    );
    const key = read.map(answer, 1, 'clientPIN.getKeyAgreement');
    if (!key) throw new CtapError('ERR_MALFORMED', 'clientPIN.getKeyAgreement: keyAgreement (0x01) is missing');
    return protocol.encapsulate(key);
  }

  async getRetries(options: CallOptions = {}): Promise<PinRetries> {
    const info = await this.conn.cachedInfo(options);
    const params = new Map<unknown, unknown>([[2, CLIENT_PIN_SUBCMD.getPINRetries]]);
    // CTAP 2.0 keys require pinUvAuthProtocol even here; 2.1 keys accept it.
    if (info.pinUvAuthProtocols.length > 0) params.set(1, this.conn.protocol(info).version);
    const answer = await this.pinCommand(params, options, 'getPINRetries');
    const retries = read.int(answer, 3, 'clientPIN.getPINRetries');
    if (retries === undefined)
      throw new CtapError('ERR_MALFORMED', 'clientPIN.getPINRetries: pinRetries (0x03) is missing');
    const result: PinRetries = { retries };
    const powerCycleState = read.bool(answer, 4, 'clientPIN.getPINRetries');
    if (powerCycleState !== undefined) result.powerCycleState = powerCycleState;
    return result;
  }

  async setPin(pin: string, options: CallOptions = {}): Promise<void> {
    const { info, protocol } = await this.context(options);
    const pinBytes = preparePin(pin, info.minPINLength, 'the new PIN');
    const { keyAgreement, sharedSecret } = await this.keyAgreement(protocol, options);
    const newPinEnc = protocol.encrypt(sharedSecret, padPin(pinBytes));
    const params = new Map<unknown, unknown>([
      [1, protocol.version],
      [2, CLIENT_PIN_SUBCMD.setPIN],
      [3, keyAgreement],
      [4, protocol.authenticate(sharedSecret, newPinEnc, true)],
      [5, newPinEnc],
    ]);
    await this.pinCommand(params, options, 'setPIN');
    this.conn.info = undefined;
  }

  async changePin(oldPin: string, newPin: string, options: CallOptions = {}): Promise<void> {
    const { info, protocol } = await this.context(options);
    const oldBytes = preparePin(oldPin, 4, 'the current PIN');
    const newBytes = preparePin(newPin, info.minPINLength, 'the new PIN');
    const { keyAgreement, sharedSecret } = await this.keyAgreement(protocol, options);
    const pinHashEnc = protocol.encrypt(sharedSecret, pinHash(oldBytes));
    const newPinEnc = protocol.encrypt(sharedSecret, padPin(newBytes));
    const params = new Map<unknown, unknown>([
      [1, protocol.version],
      [2, CLIENT_PIN_SUBCMD.changePIN],
      [3, keyAgreement],
      [4, protocol.authenticate(sharedSecret, concatBytes(newPinEnc, pinHashEnc), true)],
      [5, newPinEnc],
      [6, pinHashEnc],
    ]);
    await this.pinCommand(params, options, 'changePIN');
    this.conn.info = undefined;
    this.conn.lastToken = undefined;
  }

  async getPinToken(
    pin: string,
    permissions?: number,
    rpId?: string,
    options: CallOptions = {},
  ): Promise<PinUvAuthToken> {
    if (permissions !== undefined && (!Number.isInteger(permissions) || permissions <= 0 || permissions > 0xff)) {
      throw new CtapError('ERR_INVALID_ARGUMENT', `permissions must be PIN_PERMISSION bits, got ${permissions}`);
    }
    const { info, protocol } = await this.context(options);
    // Without permissions: the legacy getPINToken (0x05), whose token carries mc and ga.
    const withPermissions = info.options.pinUvAuthToken === true && permissions !== undefined;
    if (withPermissions && rpId === undefined && (permissions & (PIN_PERMISSION.mc | PIN_PERMISSION.ga)) !== 0) {
      // CTAP 2.1 §6.5.5.7.2: the mc and ga permissions need an RP ID.
      throw new CtapError('ERR_INVALID_ARGUMENT', 'a token with the mc or ga permission needs an rpId');
    }
    const pinBytes = preparePin(pin, 4, 'the PIN');
    const { keyAgreement, sharedSecret } = await this.keyAgreement(protocol, options);
    const pinHashEnc = protocol.encrypt(sharedSecret, pinHash(pinBytes));
    const params = new Map<unknown, unknown>([
      [1, protocol.version],
      [2, withPermissions ? CLIENT_PIN_SUBCMD.getPinUvAuthTokenUsingPinWithPermissions : CLIENT_PIN_SUBCMD.getPINToken],
      [3, keyAgreement],
      [6, pinHashEnc],
    ]);
    if (withPermissions) {
      params.set(9, permissions as number);
      if (rpId !== undefined) params.set(10, rpId);
    }
    const what = withPermissions ? 'getPinUvAuthTokenUsingPinWithPermissions' : 'getPINToken';
    const answer = await this.pinCommand(params, options, what);
    const encrypted = read.bytes(answer, 2, `clientPIN.${what}`);
    if (!encrypted) throw new CtapError('ERR_MALFORMED', `clientPIN.${what}: pinUvAuthToken (0x02) is missing`);
    const token = protocol.decrypt(sharedSecret, encrypted);
    if (token.length !== 16 && token.length !== 32) {
      throw new CtapError('ERR_MALFORMED', `clientPIN.${what}: token of ${token.length} bytes`);
    }
    const result: PinUvAuthToken = {
      protocol: protocol.version,
      token,
      permissions: withPermissions ? (permissions as number) : PIN_PERMISSION.mc | PIN_PERMISSION.ga,
    };
    if (withPermissions && rpId !== undefined) result.rpId = rpId;
    this.conn.lastToken = result;
    return result;
  }
}
