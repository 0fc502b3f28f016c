/** Internal: what the client's parts share: the channel, the cached getInfo, the PIN protocol choice. */
import { CTAP2_CMD, CTAP2_STATUS, CTAPHID_CMD } from '../ctap2/constants.ts';
import { CtapError, isCtapError } from '../errors.ts';
import type { CallOptions, CtapHidChannel } from '../hid/channel.ts';
import { type CborMap, decodeResponse, encodeRequest } from './cbor.ts';
import { type AuthenticatorInfo, decodeInfo, u2fOnlyInfo } from './info.ts';
import { PinProtocolHost, type PinUvAuthProtocolVersion } from './pin-protocol.ts';

/**
 * A pinUvAuthToken obtained from the key, with what it may be used for. Secret: keep it in memory
 * only and drop it when done.
 */
export interface PinUvAuthToken {
  /** The PIN/UV auth protocol it belongs to. */
  protocol: PinUvAuthProtocolVersion;
  /** The token itself (16 or 32 bytes). */
  token: Uint8Array;
  /** The permissions requested with it ({@link PIN_PERMISSION} bits); mc | ga for protocol-1 style tokens. */
  permissions: number;
  /** The RP ID it was bound to, if any. */
  rpId?: string;
}

export class Connection {
  readonly channel: CtapHidChannel;
  info: AuthenticatorInfo | undefined;
  readonly forcedProtocol: PinUvAuthProtocolVersion | undefined;
  readonly random: ((length: number) => Uint8Array) | undefined;
  lastToken: PinUvAuthToken | undefined;

  constructor(
    channel: CtapHidChannel,
    forcedProtocol: PinUvAuthProtocolVersion | undefined,
    random: ((length: number) => Uint8Array) | undefined,
  ) {
    this.channel = channel;
    this.forcedProtocol = forcedProtocol;
    this.random = random;
  }

  get isCtap2(): boolean {
    return this.channel.device.cbor;
  }

  /** Sends a CTAP2 command and decodes its answer map; a non-zero status throws `CtapError`. */
  async command(command: number, params: CborMap | undefined, options: CallOptions, context: string): Promise<CborMap> {
    if (!this.isCtap2)
      throw new CtapError('ERR_UNSUPPORTED', `${context}: this key speaks only U2F (CTAP1), not CTAP2`);
    const maxMsgSize = this.info?.maxMsgSize;
    const request = encodeRequest(command, params);
    if (maxMsgSize !== undefined && request.length > maxMsgSize) {
      throw new CtapError(
        'ERR_REQUEST_TOO_LARGE',
        `${context}: request of ${request.length} bytes exceeds the key's maxMsgSize of ${maxMsgSize}`,
      );
    }
    const answer = await this.channel.call(CTAPHID_CMD.CBOR, request, options);
    try {
      return decodeResponse(answer, context);
    } catch (error) {
      if (isCtapError(error) && error.status === CTAP2_STATUS.CTAP2_ERR_KEEPALIVE_CANCEL && options.signal?.aborted) {
        throw new CtapError('ERR_CANCELLED', `${context}: cancelled`, { cause: error });
      }
      throw error;
    }
  }

  async getInfo(options: CallOptions = {}): Promise<AuthenticatorInfo> {
    if (!this.isCtap2) {
      this.info = u2fOnlyInfo();
      return this.info;
    }
    this.info = decodeInfo(await this.command(CTAP2_CMD.getInfo, undefined, options, 'getInfo'));
    return this.info;
  }

  async cachedInfo(options: CallOptions = {}): Promise<AuthenticatorInfo> {
    return this.info ?? (await this.getInfo(options));
  }

  /** The PIN protocol to use: the forced one, else 2 when offered, else 1. */
  protocol(info: AuthenticatorInfo): PinProtocolHost {
    const offered =
      info.pinUvAuthProtocols.length > 0 ? info.pinUvAuthProtocols : info.options.clientPin !== undefined ? [1] : [];
    if (this.forcedProtocol !== undefined) {
      if (!offered.includes(this.forcedProtocol)) {
        throw new CtapError('ERR_UNSUPPORTED', `the key does not offer PIN/UV auth protocol ${this.forcedProtocol}`);
      }
      return new PinProtocolHost(this.forcedProtocol, this.random);
    }
    if (offered.includes(2)) return new PinProtocolHost(2, this.random);
    if (offered.includes(1)) return new PinProtocolHost(1, this.random);
    throw new CtapError('ERR_UNSUPPORTED', 'the key offers no PIN/UV auth protocol this driver knows (1 or 2)');
  }

  protocolOf(token: PinUvAuthToken): PinProtocolHost {
    return new PinProtocolHost(token.protocol, this.random);
  }
}
