/** The software CTAP2.1 authenticator: the device side of CTAPHID over 64-byte HID reports. */
import { randomBytes } from '@keyward/internal';
import { CtapError } from '../errors.ts';
import { type AttestationRoot, createAttestationRoot, issueAttestationBatch } from './attestation-ca.ts';
import { Core, type CoreSettings, MAX_PIN_RETRIES } from './core.ts';
import { handleCtap2 } from './ctap2.ts';
import { CtaphidDevice } from './ctaphid.ts';
import { type DeviceState, fromStateJSON, toStateJSON } from './device-state.ts';
import { COSE_ALG } from './keys.ts';
import { approvePresence, type UserPresenceApprover } from './presence.ts';
import { aaguidFromString, type VirtualAuthenticatorState, validateState } from './state.ts';
import { handleU2f, U2fPresence } from './u2f.ts';

/** The AAGUID a {@link VirtualAuthenticator} reports unless told otherwise. */
export const VIRTUAL_AUTHENTICATOR_AAGUID = '6b657977-6172-4476-8972-7475616c4b31';

/** A root CA for attestation, to share between several virtual authenticators (a "model"). */
export interface AttestationCa {
  /** The root certificate, DER. */
  certificate: Uint8Array;
  /** The root's P-256 private key (32 bytes). */
  privateKey: Uint8Array;
}

/**
 * Creates a root CA that can certify the batch attestation keys of many virtual authenticators,
 * so a relying party can trust them all through one trust anchor.
 *
 * @param options - `commonName` of the root, `now` for validity, `random` for keys.
 * @returns The root certificate (DER) and its private key.
 * @example
 * ```ts
 * const ca = generateAttestationCa();
 * const a = new VirtualAuthenticator({ attestationCa: ca });
 * // verifyRegistrationResponse({ ..., attestation: { trustAnchors: [ca.certificate] } })
 * ```
 */
export function generateAttestationCa(
  options: { commonName?: string; now?: () => number; random?: (length: number) => Uint8Array } = {},
): AttestationCa {
  const random = options.random ?? randomBytes;
  const now = new Date((options.now ?? Date.now)());
  return createAttestationRoot(random, now, options.commonName ?? 'Keyward Virtual Authenticator Root CA');
}

/** Options of {@link VirtualAuthenticator}. */
export interface VirtualAuthenticatorOptions {
  /**
   * AAGUID of a new authenticator (ignored when `state` is given: the state keeps its own).
   * @defaultValue `'6b657977-6172-4476-8972-7475616c4b31'` ({@link VIRTUAL_AUTHENTICATOR_AAGUID})
   */
  aaguid?: string;
  /** Saved state to start from (see {@link VirtualAuthenticator.fromState}). */
  state?: VirtualAuthenticatorState;
  /**
   * Who touches the key.
   * @defaultValue {@link approvePresence}()
   */
  presence?: UserPresenceApprover;
  /**
   * How long a request waits for a touch before USER_ACTION_TIMEOUT.
   * @defaultValue 30000
   */
  presenceTimeoutMs?: number;
  /**
   * Clock in milliseconds since the epoch (reset window, token lifetime, certificates).
   * @defaultValue `Date.now`
   */
  now?: () => number;
  /**
   * Random source (keys, channel ids, tokens).
   * @defaultValue the platform CSPRNG
   */
  random?: (length: number) => Uint8Array;
  /**
   * Attestation of new credentials: `packed` with the batch certificate, `self` (packed, signed by
   * the credential key) or `none`. A platform can still ask for `none` per request.
   * @defaultValue `'packed'`
   */
  attestation?: 'packed' | 'self' | 'none';
  /** Root CA that certifies this authenticator's batch key; by default each new authenticator makes its own. */
  attestationCa?: AttestationCa;
  /**
   * Minimum PIN length in code points (4–63) of a new or reset authenticator.
   * @defaultValue 4
   */
  minPinLength?: number;
  /**
   * Discoverable credential slots.
   * @defaultValue 50
   */
  maxCredentials?: number;
  /**
   * Largest CTAPHID message accepted, reported as getInfo maxMsgSize (64–7609).
   * @defaultValue 2048
   */
  maxMsgSize?: number;
  /**
   * How long the device waits for the rest of a fragmented message before CTAPHID ERR_MSG_TIMEOUT.
   * @defaultValue 3000
   */
  messageTimeoutMs?: number;
  /**
   * Interval of KEEPALIVE reports while a CBOR request is pending.
   * @defaultValue 100
   */
  keepaliveIntervalMs?: number;
  /**
   * Credential algorithms in order of preference.
   * @defaultValue `[-7, -8]` (ES256, EdDSA)
   */
  algorithms?: (-7 | -8)[];
  /**
   * getInfo firmwareVersion.
   * @defaultValue 1
   */
  firmwareVersion?: number;
  /**
   * Called synchronously with the new state after every change to persistent state, before the
   * answer that reflects it leaves the device. Throwing makes that request fail with CTAP1_ERR_OTHER.
   */
  onStateChange?: (state: VirtualAuthenticatorState) => void;
  /** Called on CTAPHID_WINK. */
  onWink?: () => void;
}

function checkRange(value: number | undefined, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new CtapError('ERR_INVALID_OPTION', `${name} must be an integer in ${min}..${max}, found ${value}`);
}

/**
 * A software FIDO2 security key (CTAP 2.1 with CTAP1/U2F) that speaks CTAPHID one 64-byte report
 * at a time. Feed it reports from a host with {@link VirtualAuthenticator.handleReport}; serve it
 * over UDP with {@link serveUdp}.
 *
 * @remarks For tests and development only: keys live in memory and in the exported state, not in
 * secure hardware.
 * @example
 * ```ts
 * const authenticator = new VirtualAuthenticator({ presence: approvePresence() });
 * authenticator.handleReport(initReport, (report) => host.receive(report));
 * ```
 */
export class VirtualAuthenticator {
  private readonly core: Core;
  private readonly hid: CtaphidDevice;
  private readonly u2fPresence = new U2fPresence();
  private closed = false;

  /**
   * @param options - Identity, presence approver, clock, random source, limits and saved state.
   * @throws {@link CtapError} `ERR_INVALID_OPTION` for out-of-range options;
   *   `ERR_STATE_CORRUPT` / `ERR_STATE_FOREIGN` for a bad `state`.
   */
  constructor(options: VirtualAuthenticatorOptions = {}) {
    checkRange(options.minPinLength, 'minPinLength', 4, 63);
    checkRange(options.maxCredentials, 'maxCredentials', 0, 10000);
    checkRange(options.maxMsgSize, 'maxMsgSize', 64, 7609);
    checkRange(options.presenceTimeoutMs, 'presenceTimeoutMs', 1, 600_000);
    checkRange(options.messageTimeoutMs, 'messageTimeoutMs', 1, 600_000);
    checkRange(options.keepaliveIntervalMs, 'keepaliveIntervalMs', 1, 60_000);
    checkRange(options.firmwareVersion, 'firmwareVersion', 0, 0xffffffff);
    const algorithms = options.algorithms ?? [COSE_ALG.ES256, COSE_ALG.EdDSA];
    if (algorithms.length === 0 || algorithms.some((a) => a !== -7 && a !== -8))
      throw new CtapError('ERR_INVALID_OPTION', 'algorithms must be a non-empty list of -7 and -8');
    const random = options.random ?? randomBytes;
    const now = options.now ?? Date.now;
    const defaultMinPinLength = options.minPinLength ?? 4;
    let state: DeviceState;
    if (options.state !== undefined) {
      state = fromStateJSON(validateState(options.state));
    } else {
      const aaguid = aaguidFromString(options.aaguid ?? VIRTUAL_AUTHENTICATOR_AAGUID);
      if (!aaguid) throw new CtapError('ERR_INVALID_OPTION', `aaguid is not a UUID: ${options.aaguid}`);
      const date = new Date(now());
      const root: AttestationRoot =
        options.attestationCa ?? createAttestationRoot(random, date, 'Keyward Virtual Authenticator Root CA');
      const batch = issueAttestationBatch(root, aaguid, random, date);
      state = {
        aaguid,
        masterKey: random(32).slice(),
        signCount: 0,
        pin: null,
        pinRetries: MAX_PIN_RETRIES,
        minPinLength: defaultMinPinLength,
        forcePinChange: false,
        alwaysUv: false,
        nextCreated: 0,
        rootCertificate: root.certificate.slice(),
        batchCertificate: batch.certificate,
        batchPrivateKey: batch.privateKey,
        credentials: [],
      };
    }
    const onStateChange = options.onStateChange;
    const settings: CoreSettings = {
      random,
      now,
      presence: options.presence ?? approvePresence(),
      presenceTimeoutMs: options.presenceTimeoutMs ?? 30_000,
      attestation: options.attestation ?? 'packed',
      maxCredentials: options.maxCredentials ?? 50,
      maxMsgSize: options.maxMsgSize ?? 2048,
      defaultMinPinLength,
      firmwareVersion: options.firmwareVersion ?? 1,
      algorithms,
      onStateChange: onStateChange ? () => onStateChange(toStateJSON(this.core.state)) : undefined,
    };
    this.core = new Core(state, settings);
    const onWink = options.onWink;
    this.hid = new CtaphidDevice(
      {
        cbor: (message, signal, setKeepalive) => handleCtap2(this.core, message, { signal, setKeepalive }),
        msg: (message) => {
          const answer = handleU2f(this.core, this.u2fPresence, message);
          try {
            this.core.flush();
          } catch {
            return new Uint8Array([0x6f, 0x00]);
          }
          return answer;
        },
        wink: () => onWink?.(),
      },
      {
        random,
        maxMsgSize: settings.maxMsgSize,
        messageTimeoutMs: options.messageTimeoutMs ?? 3000,
        keepaliveIntervalMs: options.keepaliveIntervalMs ?? 100,
        version: [1, 0, settings.firmwareVersion & 0xff],
      },
    );
  }

  /**
   * Starts an authenticator from a saved state, as a key is plugged in again.
   *
   * @param state - What {@link VirtualAuthenticator.exportState} returned (possibly through JSON).
   * @param options - Everything else; `state` and `aaguid` in it are ignored.
   * @returns The authenticator, freshly powered up.
   * @throws {@link CtapError} `ERR_STATE_FOREIGN` when the value is not a state of
   *   this format and version; `ERR_STATE_CORRUPT` when it is damaged.
   */
  static fromState(state: unknown, options: VirtualAuthenticatorOptions = {}): VirtualAuthenticator {
    const { aaguid: _ignored, ...rest } = options;
    return new VirtualAuthenticator({ ...rest, state: validateState(state) });
  }

  /**
   * Feeds one 64-byte HID report from the host. Every report the device sends in answer
   * (responses, keepalives, errors) goes to `reply`, possibly later.
   *
   * @param report - One output report (64 bytes, no report-ID prefix).
   * @param reply - Receives each 64-byte input report.
   */
  handleReport(report: Uint8Array, reply: (report: Uint8Array) => void): void {
    if (this.closed) return;
    try {
      this.hid.handleReport(report, reply);
    } catch {
      // The framing layer never throws by design; this is the last line against a crash.
    }
  }

  /**
   * Simulates unplugging and plugging the key back in: channels and pending requests are dropped,
   * pinUvAuthTokens and key-agreement keys renewed, the PIN-auth block lifted, and the 10-second
   * reset window starts again. Persistent state is untouched.
   */
  powerCycle(): void {
    this.hid.reset();
    this.u2fPresence.clear();
    this.core.powerCycle();
  }

  /**
   * The persistent state, JSON-serialisable: credentials, PIN hash, retries, counters, attestation.
   *
   * @returns A fresh copy; it holds private keys.
   */
  exportState(): VirtualAuthenticatorState {
    return toStateJSON(this.core.state);
  }

  /** The DER root certificate that this authenticator's attestation chains to (a trust anchor for RPs). */
  get attestationRootCertificate(): Uint8Array {
    return this.core.state.rootCertificate.slice();
  }

  /** The AAGUID in `xxxxxxxx-xxxx-…` form. */
  get aaguid(): string {
    return this.exportState().aaguid;
  }

  /** Stops the device: timers cleared, pending requests dropped, later reports ignored. */
  close(): void {
    this.closed = true;
    this.u2fPresence.clear();
    this.hid.close();
  }
}
