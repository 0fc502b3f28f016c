/** The CTAP2 client: one key, one CTAPHID channel, every authenticator command (CTAP 2.1 §6). */
import { CTAP2_CMD, CTAP2_STATUS, CTAPHID_CMD } from '../ctap2/constants.ts';
import { CtapError, isCtapError } from '../errors.ts';
import { type CallOptions, type ChannelOptions, CtapHidChannel, type HidDeviceInfo } from '../hid/channel.ts';
import type { HidTransport } from '../hid/transport.ts';
import { type ClientPin, ClientPinImpl } from './client-pin.ts';
import { type AuthenticatorConfig, AuthenticatorConfigImpl } from './config.ts';
import { Connection } from './connection.ts';
import { type CredentialManagement, CredentialManagementImpl } from './credential-management.ts';
import {
  type AssertionResult,
  decodeAssertion,
  decodeMakeCredential,
  encodeGetAssertion,
  encodeMakeCredential,
  type GetAssertionParams,
  type MakeCredentialParams,
  type MakeCredentialResult,
} from './credentials.ts';
import type { AuthenticatorInfo } from './info.ts';
import type { PinUvAuthProtocolVersion } from './pin-protocol.ts';
import { u2fGetAssertion, u2fMakeCredential, u2fWaitForTouch } from './u2f.ts';

/** Options of {@link Ctap2Client.open}. */
export interface Ctap2ClientOptions extends ChannelOptions {
  /**
   * Force a PIN/UV auth protocol (for keys whose protocol 2 is broken).
   *
   * @defaultValue 2 when the key offers it, else 1
   */
  pinUvAuthProtocol?: PinUvAuthProtocolVersion;
}

/**
 * A FIDO2 security key on one CTAPHID channel. Open it with {@link Ctap2Client.open} on any
 * {@link HidTransport}; calls are queued, one at a time. Keys without CTAP2 are driven through
 * CTAP1/U2F for `makeCredential`, `getAssertion` and `selection`.
 *
 * @example
 * ```ts
 * const client = await Ctap2Client.open(await UdpHidTransport.connect('127.0.0.1', 8111));
 * const info = await client.getInfo();
 * console.log(info.versions, info.options.clientPin);
 * await client.close();
 * ```
 */
export class Ctap2Client {
  /** What CTAPHID_INIT said about the device (channel, version, capabilities). */
  readonly device: HidDeviceInfo;
  /** PIN operations (CTAP 2.1 §6.5). */
  readonly clientPin: ClientPin;
  /** Discoverable-credential management (CTAP 2.1 §6.8). */
  readonly credentialManagement: CredentialManagement;
  /** Authenticator configuration (CTAP 2.1 §6.11). */
  readonly config: AuthenticatorConfig;
  private readonly conn: Connection;
  private lastAllowList: GetAssertionParams['allowList'];

  private constructor(conn: Connection) {
    this.conn = conn;
    this.device = conn.channel.device;
    this.clientPin = new ClientPinImpl(conn);
    this.credentialManagement = new CredentialManagementImpl(conn);
    this.config = new AuthenticatorConfigImpl(conn);
  }

  /**
   * Opens a client: CTAPHID_INIT on the broadcast channel with a random nonce (checked), then
   * authenticatorGetInfo on CTAP2 keys.
   *
   * @param transport - The device.
   * @param options - Timeouts, PIN protocol choice, random source.
   * @returns The client.
   * @throws {@link CtapError} `ERR_TIMEOUT`, `ERR_NONCE_MISMATCH`, `ERR_MALFORMED`, `ERR_TRANSPORT`.
   * @example
   * ```ts
   * const client = await Ctap2Client.open(transport, { timeoutMs: 3000 });
   * ```
   */
  static async open(transport: HidTransport, options: Ctap2ClientOptions = {}): Promise<Ctap2Client> {
    const channel = await CtapHidChannel.open(transport, options);
    const conn = new Connection(channel, options.pinUvAuthProtocol, options.random);
    const client = new Ctap2Client(conn);
    try {
      await conn.getInfo();
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** The getInfo answer from the last {@link Ctap2Client.getInfo} (or from opening). */
  get info(): AuthenticatorInfo | undefined {
    return this.conn.info;
  }

  /**
   * Asks the key what it supports (authenticatorGetInfo, CTAP 2.1 §6.4). U2F-only keys get a
   * synthetic answer with `versions: ['U2F_V2']`.
   *
   * @param options - Cancellation, timeouts.
   * @returns The decoded info.
   * @throws {@link CtapError} `ERR_MALFORMED` for an answer that is not a valid getInfo map.
   */
  getInfo(options: CallOptions = {}): Promise<AuthenticatorInfo> {
    return this.conn.getInfo(options);
  }

  /**
   * Creates a credential (authenticatorMakeCredential, CTAP 2.1 §6.1). The key asks for a touch:
   * `onKeepalive('upNeeded')` tells when.
   *
   * @param params - Client data hash, RP, user, algorithms, options and an optional PIN token.
   * @param options - Cancellation, keepalive callback, timeouts.
   * @returns The attestation, with `attestationObject` ready for WebAuthn.
   * @throws {@link CtapError} `CTAP2_ERR_CREDENTIAL_EXCLUDED`, `CTAP2_ERR_PUAT_REQUIRED`, `CTAP2_ERR_PIN_AUTH_INVALID`, …
   * @throws {@link CtapError} `ERR_CANCELLED`, `ERR_TIMEOUT`, `ERR_INVALID_ARGUMENT`.
   */
  async makeCredential(params: MakeCredentialParams, options: CallOptions = {}): Promise<MakeCredentialResult> {
    if (!this.conn.isCtap2) return u2fMakeCredential(this.conn.channel, params, options);
    const protocol = params.pinUvAuthToken ? this.conn.protocolOf(params.pinUvAuthToken) : undefined;
    const answer = await this.conn.command(
      CTAP2_CMD.makeCredential,
      encodeMakeCredential(params, protocol),
      options,
      'makeCredential',
    );
    return decodeMakeCredential(answer);
  }

  /**
   * Gets the first assertion (authenticatorGetAssertion, CTAP 2.1 §6.2); follow with
   * {@link Ctap2Client.getNextAssertion} while `numberOfCredentials` says there are more, or use
   * {@link Ctap2Client.getAssertions}.
   *
   * @param params - RP ID, client data hash, allow list, options and an optional PIN token.
   * @param options - Cancellation, keepalive callback, timeouts.
   * @returns The first assertion.
   * @throws {@link CtapError} `CTAP2_ERR_NO_CREDENTIALS`, `CTAP2_ERR_PIN_AUTH_INVALID`, …
   * @throws {@link CtapError} `ERR_CANCELLED`, `ERR_TIMEOUT`, `ERR_INVALID_ARGUMENT`.
   */
  async getAssertion(params: GetAssertionParams, options: CallOptions = {}): Promise<AssertionResult> {
    if (!this.conn.isCtap2) return u2fGetAssertion(this.conn.channel, params, options);
    const protocol = params.pinUvAuthToken ? this.conn.protocolOf(params.pinUvAuthToken) : undefined;
    const answer = await this.conn.command(
      CTAP2_CMD.getAssertion,
      encodeGetAssertion(params, protocol),
      options,
      'getAssertion',
    );
    this.lastAllowList = params.allowList;
    return decodeAssertion(answer, params.allowList);
  }

  /**
   * Gets the next assertion of the last getAssertion (authenticatorGetNextAssertion, §6.3).
   *
   * @param options - Cancellation, timeouts.
   * @returns The next assertion.
   * @throws {@link CtapError} `CTAP2_ERR_NOT_ALLOWED` when there is none left.
   */
  async getNextAssertion(options: CallOptions = {}): Promise<AssertionResult> {
    const answer = await this.conn.command(CTAP2_CMD.getNextAssertion, undefined, options, 'getNextAssertion');
    return decodeAssertion(answer, this.lastAllowList);
  }

  /**
   * Gets every assertion: getAssertion, then getNextAssertion `numberOfCredentials − 1` times.
   *
   * @param params - As for {@link Ctap2Client.getAssertion}.
   * @param options - Cancellation, keepalive callback, timeouts.
   * @returns All assertions, the first one first.
   * @throws {@link CtapError} as {@link Ctap2Client.getAssertion}.
   */
  async getAssertions(params: GetAssertionParams, options: CallOptions = {}): Promise<AssertionResult[]> {
    const first = await this.getAssertion(params, options);
    const out = [first];
    const total = Math.min(first.numberOfCredentials ?? 1, 1000);
    for (let i = 1; i < total; i++) out.push(await this.getNextAssertion(options));
    return out;
  }

  /**
   * Erases every credential and the PIN (authenticatorReset, CTAP 2.1 §6.6). Keys accept it only
   * within a few seconds of being plugged in, and need a touch.
   *
   * @param options - Cancellation, keepalive callback (`upNeeded`: touch the key), timeouts.
   * @throws {@link CtapError} `CTAP2_ERR_NOT_ALLOWED` outside the window after plug-in,
   * `CTAP2_ERR_USER_ACTION_TIMEOUT` without a touch, `CTAP2_ERR_OPERATION_DENIED`.
   */
  async reset(options: CallOptions = {}): Promise<void> {
    await this.conn.command(CTAP2_CMD.reset, undefined, options, 'reset');
    this.conn.info = undefined;
    this.conn.lastToken = undefined;
  }

  /**
   * Waits for the user to touch this key (authenticatorSelection, CTAP 2.1 §6.9; a dummy
   * makeCredential on CTAP 2.0 keys; a dummy U2F register on U2F keys). With several keys, use
   * {@link selectAuthenticator}.
   *
   * @param options - Cancellation, keepalive callback, timeouts.
   * @throws {@link CtapError} `CTAP2_ERR_USER_ACTION_TIMEOUT` without a touch.
   * @throws {@link CtapError} `ERR_CANCELLED` when the signal fires.
   */
  async selection(options: CallOptions = {}): Promise<void> {
    if (!this.conn.isCtap2) {
      await u2fWaitForTouch(this.conn.channel, options);
      return;
    }
    const info = await this.conn.cachedInfo(options);
    if (info.versions.includes('FIDO_2_1') || info.versions.includes('FIDO_2_1_PRE')) {
      await this.conn.command(CTAP2_CMD.selection, undefined, options, 'selection');
      return;
    }
    // CTAP 2.0 keys: a makeCredential with a zero-length pinUvAuthParam waits for a touch, then
    // answers PIN_INVALID or PIN_NOT_SET (CTAP 2.1 §6.1.2 step 1).
    const params = new Map<unknown, unknown>([
      [1, new Uint8Array(32)],
      [2, new Map([['id', '.dummy']])],
      [
        3,
        new Map<unknown, unknown>([
          ['id', new Uint8Array(1)],
          ['name', 'dummy'],
        ]),
      ],
      [
        4,
        [
          new Map<unknown, unknown>([
            ['alg', -7],
            ['type', 'public-key'],
          ]),
        ],
      ],
      [8, new Uint8Array(0)],
      [9, 1],
    ]);
    try {
      await this.conn.command(CTAP2_CMD.makeCredential, params, options, 'selection');
    } catch (error) {
      if (
        isCtapError(error) &&
        (error.status === CTAP2_STATUS.CTAP2_ERR_PIN_INVALID || error.status === CTAP2_STATUS.CTAP2_ERR_PIN_NOT_SET)
      ) {
        return;
      }
      throw error;
    }
  }

  /**
   * Makes the key blink or beep so the user can tell which one it is (CTAPHID_WINK).
   *
   * @param options - Cancellation, timeouts.
   * @throws {@link CtapError} `ERR_UNSUPPORTED` when the key has no wink capability.
   */
  async wink(options: CallOptions = {}): Promise<void> {
    if (!this.device.wink) throw new CtapError('ERR_UNSUPPORTED', 'this key cannot wink');
    await this.conn.channel.call(CTAPHID_CMD.WINK, new Uint8Array(0), options);
  }

  /**
   * Sends CTAPHID_PING and returns the echo (a transport check).
   *
   * @param data - Bytes to echo.
   * @param options - Cancellation, timeouts.
   * @returns The echoed bytes.
   * @throws {@link CtapError} `ERR_MALFORMED` when the echo differs.
   */
  async ping(data: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const echo = await this.conn.channel.call(CTAPHID_CMD.PING, data, options);
    if (echo.length !== data.length || echo.some((byte, i) => byte !== data[i])) {
      throw new CtapError('ERR_MALFORMED', 'CTAPHID_PING echo differs from what was sent');
    }
    return echo;
  }

  /** Closes the transport. Later calls reject with `ERR_CLOSED`. */
  close(): Promise<void> {
    return this.conn.channel.close();
  }
}

/**
 * With several keys plugged in, waits for the user to touch one, as browsers do: every key gets
 * `selection()`, the first to be touched wins and the others are cancelled.
 *
 * @param clients - The keys to choose from.
 * @param options - Cancellation (cancels all), keepalive callback, timeouts.
 * @returns The key that was touched.
 * @throws {@link CtapError} `ERR_INVALID_ARGUMENT` for an empty list; the first key's error when all fail.
 * @example
 * ```ts
 * const chosen = await selectAuthenticator(clients, { onKeepalive: () => console.log('Touch your security key') });
 * ```
 */
export async function selectAuthenticator(clients: Ctap2Client[], options: CallOptions = {}): Promise<Ctap2Client> {
  if (clients.length === 0) throw new CtapError('ERR_INVALID_ARGUMENT', 'no keys to choose from');
  const controllers = clients.map(() => new AbortController());
  const onAbort = (): void => {
    for (const controller of controllers) controller.abort(options.signal?.reason);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const attempts = clients.map((client, i) =>
    client.selection({ ...options, signal: (controllers[i] as AbortController).signal }).then(() => client),
  );
  try {
    return await Promise.any(attempts);
  } catch (error) {
    const errors = error instanceof AggregateError ? error.errors : [error];
    throw errors[0];
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const controller of controllers) controller.abort(new Error('another key was selected'));
    await Promise.allSettled(attempts);
  }
}
