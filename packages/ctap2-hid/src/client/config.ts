/** authenticatorConfig (CTAP 2.1 §6.11), platform side. */
import { concatBytes, encodeCanonicalCbor } from '@keyward/internal';
import { CONFIG_SUBCMD, CTAP2_CMD } from '../ctap2/constants.ts';
import { CtapError } from '../errors.ts';
import type { CborMap } from './cbor.ts';
import type { Connection } from './connection.ts';
import type { CredentialManagementOptions } from './credential-management.ts';

/** Parameters of setMinPINLength (§6.11.4). */
export interface SetMinPinLengthParams {
  /** The new minimum PIN length in code points; it can only grow. */
  newMinPINLength?: number;
  /** RP IDs allowed to read the minimum PIN length through the minPinLength extension. */
  minPinLengthRPIDs?: string[];
  /** Require a PIN change before the PIN can be used again (a PIN handed out by an administrator). */
  forceChangePin?: boolean;
}

/** Configuration of the key: `client.config`. Needs a token with the acfg permission when a PIN is set. */
export interface AuthenticatorConfig {
  /**
   * Raises the minimum PIN length and/or forces a PIN change at next use.
   *
   * @param params - What to change.
   * @param options - The token (acfg permission) and call options.
   * @throws {@link CtapError} `ERR_UNSUPPORTED` when the key lacks setMinPINLength.
   * @throws {@link CtapError} `CTAP2_ERR_PIN_POLICY_VIOLATION` when lowering the minimum.
   */
  setMinPINLength(params: SetMinPinLengthParams, options?: CredentialManagementOptions): Promise<void>;
  /**
   * Turns alwaysUv on or off.
   *
   * @param options - The token (acfg permission) and call options.
   * @throws {@link CtapError} `ERR_UNSUPPORTED` when the key lacks alwaysUv.
   */
  toggleAlwaysUv(options?: CredentialManagementOptions): Promise<void>;
  /**
   * Enables enterprise attestation.
   *
   * @param options - The token (acfg permission) and call options.
   * @throws {@link CtapError} `ERR_UNSUPPORTED` when the key lacks enterprise attestation.
   */
  enableEnterpriseAttestation(options?: CredentialManagementOptions): Promise<void>;
}

/** Internal: `client.config`. */
export class AuthenticatorConfigImpl implements AuthenticatorConfig {
  private readonly conn: Connection;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  private async call(
    subCommand: number,
    params: CborMap | undefined,
    options: CredentialManagementOptions,
    what: string,
  ): Promise<void> {
    const info = await this.conn.getInfo(options);
    if (info.options.authnrCfg !== true)
      throw new CtapError('ERR_UNSUPPORTED', 'this key does not support authenticatorConfig');
    const request: CborMap = new Map<unknown, unknown>([[1, subCommand]]);
    if (params) request.set(2, params);
    const token = options.pinUvAuthToken ?? this.conn.lastToken;
    if (token) {
      const protocol = this.conn.protocolOf(token);
      // §6.11: pinUvAuthParam = authenticate(token, 32×0xFF ‖ 0x0D ‖ subCommand ‖ CBOR(subCommandParams)).
      const message = concatBytes(
        new Uint8Array(32).fill(0xff),
        Uint8Array.of(CTAP2_CMD.config, subCommand),
        params ? encodeCanonicalCbor(params) : new Uint8Array(0),
      );
      request.set(3, protocol.version);
      request.set(4, protocol.authenticate(token.token, message));
    } else if (info.options.clientPin === true || info.options.uv === true) {
      throw new CtapError('ERR_PIN_REQUIRED', 'authenticatorConfig needs a PIN token with the acfg permission');
    }
    await this.conn.command(CTAP2_CMD.config, request, options, `config.${what}`);
    this.conn.info = undefined;
  }

  async setMinPINLength(params: SetMinPinLengthParams, options: CredentialManagementOptions = {}): Promise<void> {
    const info = await this.conn.cachedInfo(options);
    if (info.options.setMinPINLength !== true) {
      throw new CtapError('ERR_UNSUPPORTED', 'this key does not support setMinPINLength');
    }
    const map: CborMap = new Map();
    if (params.newMinPINLength !== undefined) {
      if (!Number.isInteger(params.newMinPINLength) || params.newMinPINLength < 4 || params.newMinPINLength > 63) {
        throw new CtapError('ERR_INVALID_ARGUMENT', 'newMinPINLength must be an integer from 4 to 63');
      }
      map.set(1, params.newMinPINLength);
    }
    if (params.minPinLengthRPIDs !== undefined) map.set(2, params.minPinLengthRPIDs);
    if (params.forceChangePin !== undefined) map.set(3, params.forceChangePin);
    await this.call(CONFIG_SUBCMD.setMinPINLength, map.size > 0 ? map : undefined, options, 'setMinPINLength');
  }

  async toggleAlwaysUv(options: CredentialManagementOptions = {}): Promise<void> {
    const info = await this.conn.cachedInfo(options);
    if (info.options.alwaysUv === undefined)
      throw new CtapError('ERR_UNSUPPORTED', 'this key does not support alwaysUv');
    await this.call(CONFIG_SUBCMD.toggleAlwaysUv, undefined, options, 'toggleAlwaysUv');
  }

  async enableEnterpriseAttestation(options: CredentialManagementOptions = {}): Promise<void> {
    const info = await this.conn.cachedInfo(options);
    if (info.options.ep === undefined) {
      throw new CtapError('ERR_UNSUPPORTED', 'this key does not support enterprise attestation');
    }
    await this.call(CONFIG_SUBCMD.enableEnterpriseAttestation, undefined, options, 'enableEnterpriseAttestation');
  }
}
