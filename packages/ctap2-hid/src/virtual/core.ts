/**
 * Internal: the authenticator behind the transport. Holds the persistent and volatile state,
 * collects user presence, checks pinUvAuthTokens, and dispatches CTAP2 and U2F requests.
 */

import { encodeCanonicalCbor, equalBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { CTAP2_CMD, CTAP2_STATUS, CTAPHID_KEEPALIVE_STATUS } from '../ctap2/constants.ts';
import type { DeviceState, ResidentCredential } from './device-state.ts';
import { COSE_ALG, type CredentialAlg, type RandomSource, unwrapCredential, type WrappedCredential } from './keys.ts';
import { PinProtocol, type PinProtocolVersion } from './pin-protocol.ts';
import type { UserPresenceApprover, UserPresenceKind } from './presence.ts';
import { CtapStatus, fail } from './status.ts';

/** What a command handler may do with the transport while it runs. */
export interface CommandContext {
  /** Aborted by CTAPHID_CANCEL (or a resync / close). */
  signal: AbortSignal;
  /** Sets the status carried by the KEEPALIVE reports the transport sends meanwhile. */
  setKeepalive(status: number): void;
}

/** Settings the core needs (resolved options). */
export interface CoreSettings {
  random: RandomSource;
  now: () => number;
  presence: UserPresenceApprover;
  presenceTimeoutMs: number;
  attestation: 'packed' | 'self' | 'none';
  maxCredentials: number;
  maxMsgSize: number;
  defaultMinPinLength: number;
  firmwareVersion: number;
  algorithms: CredentialAlg[];
  onStateChange: (() => void) | undefined;
}

/** The pinUvAuthToken state (CTAP 2.1 §6.5.2.1), shared by both protocols. */
export interface TokenState {
  inUse: boolean;
  permissions: number;
  rpId: string | undefined;
  userVerified: boolean;
  startedAt: number;
}

/** A credential found for a request. */
export interface FoundCredential {
  id: Uint8Array;
  alg: CredentialAlg;
  privateKey: Uint8Array;
  credProtect: 1 | 2 | 3;
  resident: ResidentCredential | undefined;
  hmacSecret: boolean;
}

/** The pinUvAuthToken usage limit: a token stops working 10 minutes after it was issued (§6.5.2.1). */
export const TOKEN_MAX_USAGE_MS: number = 10 * 60 * 1000;
/** getNextAssertion works for 30 s after getAssertion (§6.3). */
export const NEXT_ASSERTION_MS: number = 30 * 1000;
/** authenticatorReset is accepted only this long after power-up (§6.6). */
export const RESET_WINDOW_MS: number = 10 * 1000;
/** Consecutive wrong PINs that block PIN use until a power cycle (§6.5.2.2). */
export const PIN_MISMATCHES_BEFORE_AUTH_BLOCK = 3;
/** pinRetries maximum (§6.5.2.2). */
export const MAX_PIN_RETRIES = 8;

/** The device's brain; one per {@link VirtualAuthenticator}. */
export class Core {
  readonly settings: CoreSettings;
  state: DeviceState;
  readonly protocols: Map<PinProtocolVersion, PinProtocol>;
  token: TokenState;
  powerUpAt: number;
  consecutivePinMismatches = 0;
  pinAuthBlocked = false;
  /** Continuation of a getAssertion (getNextAssertion), set by the getAssertion handler. */
  nextAssertion: { run: () => Uint8Array; expiresAt: number } | undefined;
  /** Continuation of credential-management enumerations. */
  enumeration: { kind: 'rps' | 'credentials'; items: Map<number, unknown>[]; index: number } | undefined;
  private dirty = false;

  constructor(state: DeviceState, settings: CoreSettings) {
    this.state = state;
    this.settings = settings;
    this.protocols = new Map([
      [2, new PinProtocol(2, settings.random)],
      [1, new PinProtocol(1, settings.random)],
    ]);
    this.token = this.idleToken();
    this.powerUpAt = settings.now();
  }

  private idleToken(): TokenState {
    return { inUse: false, permissions: 0, rpId: undefined, userVerified: false, startedAt: 0 };
  }

  /** Power-up: fresh key-agreement keys and tokens; volatile counters cleared (§6.5.4 initialize()). */
  powerCycle(): void {
    for (const protocol of this.protocols.values()) {
      protocol.regenerate();
      protocol.resetToken();
    }
    this.token = this.idleToken();
    this.powerUpAt = this.settings.now();
    this.consecutivePinMismatches = 0;
    this.pinAuthBlocked = false;
    this.nextAssertion = undefined;
    this.enumeration = undefined;
  }

  /** Records that persistent state changed. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Hands changed state to the persistence hook now (before the answer leaves the device). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.settings.onStateChange?.();
  }

  /** The PIN protocol named by a request; absent → MISSING_PARAMETER, unknown → INVALID_PARAMETER. */
  protocol(version: number | undefined): PinProtocol {
    if (version === undefined) return fail(CTAP2_STATUS.CTAP2_ERR_MISSING_PARAMETER, 'pinUvAuthProtocol missing');
    const protocol = this.protocols.get(version as PinProtocolVersion);
    if (!protocol) return fail(CTAP2_STATUS.CTAP1_ERR_INVALID_PARAMETER, `pinUvAuthProtocol ${version} unsupported`);
    return protocol;
  }

  /** resetPinUvAuthToken() for every protocol and stopUsingPinUvAuthToken(). */
  invalidateTokens(): void {
    for (const protocol of this.protocols.values()) protocol.resetToken();
    this.token = this.idleToken();
  }

  /**
   * Verifies a pinUvAuthParam made with the current pinUvAuthToken over `message`, and checks
   * the token's permission and RP binding (§6.1.2 step 11, §6.2.2 step 8, §6.8.2, §6.11.1).
   */
  checkToken(
    version: number | undefined,
    param: Uint8Array,
    message: Uint8Array,
    permission: number,
    rpId: string | undefined,
    bindRpId: boolean,
  ): void {
    const protocol = this.protocol(version);
    if (this.token.inUse && this.settings.now() - this.token.startedAt > TOKEN_MAX_USAGE_MS)
      this.token = this.idleToken();
    if (!this.token.inUse || !protocol.verify(protocol.token, message, param))
      fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'pinUvAuthParam does not verify');
    if ((this.token.permissions & permission) === 0)
      fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token lacks the permission');
    if (rpId !== undefined && this.token.rpId !== undefined && this.token.rpId !== rpId)
      fail(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_INVALID, 'token bound to another RP ID');
    if (rpId !== undefined && bindRpId && this.token.rpId === undefined) this.token.rpId = rpId;
  }

  /** After a ceremony used the token: clearUserPresentFlag, clearUserVerifiedFlag, clearPinUvAuthTokenPermissionsExceptLbw. */
  consumeToken(): void {
    this.token.userVerified = false;
    this.token.permissions &= 0x10;
  }

  /**
   * Waits for the user's touch, sending KEEPALIVE STATUS_UPNEEDED meanwhile.
   * Denied → OPERATION_DENIED; no answer in time → `timeoutStatus` (makeCredential and
   * getAssertion say OPERATION_DENIED, §6.1.2 step 14 / §6.2.2 step 9; reset and selection
   * USER_ACTION_TIMEOUT, §6.6 / §6.9); cancelled → KEEPALIVE_CANCEL.
   */
  async userPresence(
    kind: UserPresenceKind,
    rpId: string | undefined,
    context: CommandContext,
    timeoutStatus: number = CTAP2_STATUS.CTAP2_ERR_USER_ACTION_TIMEOUT,
  ): Promise<void> {
    if (context.signal.aborted) fail(CTAP2_STATUS.CTAP2_ERR_KEEPALIVE_CANCEL);
    const controller = new AbortController();
    context.setKeepalive(CTAPHID_KEEPALIVE_STATUS.UPNEEDED);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const outcome = await new Promise<'yes' | 'no' | 'timeout' | 'cancel'>((resolve) => {
        onAbort = () => resolve('cancel');
        context.signal.addEventListener('abort', onAbort, { once: true });
        timer = setTimeout(() => resolve('timeout'), this.settings.presenceTimeoutMs);
        const request =
          rpId === undefined ? { kind, signal: controller.signal } : { kind, rpId, signal: controller.signal };
        Promise.resolve()
          .then(() => this.settings.presence(request))
          .then(
            (answer) => resolve(answer === true ? 'yes' : 'no'),
            () => resolve('no'),
          );
      });
      if (outcome === 'cancel') fail(CTAP2_STATUS.CTAP2_ERR_KEEPALIVE_CANCEL);
      if (outcome === 'timeout') fail(timeoutStatus);
      if (outcome === 'no') fail(CTAP2_STATUS.CTAP2_ERR_OPERATION_DENIED);
    } finally {
      clearTimeout(timer);
      if (onAbort) context.signal.removeEventListener('abort', onAbort);
      controller.abort();
      context.setKeepalive(CTAPHID_KEEPALIVE_STATUS.PROCESSING);
    }
  }

  /** Whether a PIN is set (the authenticator "is protected by some form of user verification"). */
  get pinSet(): boolean {
    return this.state.pin !== null;
  }

  /** Resolves a credential id for an RP: a wrapped id of ours whose discoverable record (if any) still exists. */
  findCredential(rpIdHash: Uint8Array, id: Uint8Array): FoundCredential | undefined {
    const wrapped: WrappedCredential | undefined = unwrapCredential(this.state.masterKey, rpIdHash, id);
    if (!wrapped) return undefined;
    if (wrapped.kind === 1) {
      const resident = this.state.credentials.find((c) => equalBytes(c.id, id));
      if (!resident) return undefined;
      return {
        id,
        alg: resident.alg,
        privateKey: resident.privateKey,
        credProtect: resident.credProtect,
        resident,
        hmacSecret: resident.hmacSecret,
      };
    }
    return {
      id,
      alg: wrapped.alg,
      privateKey: wrapped.privateKey,
      credProtect: wrapped.credProtect,
      resident: undefined,
      hmacSecret: wrapped.hmacSecret,
    };
  }

  /** The next signature counter value (global, persisted). */
  nextSignCount(): number {
    this.state.signCount = (this.state.signCount + 1) >>> 0;
    this.markDirty();
    return this.state.signCount;
  }
}

/** SHA-256 of an RP ID. */
export function rpIdHash(rpId: string): Uint8Array {
  return sha256(new TextEncoder().encode(rpId));
}

/** A successful CTAP2 answer: status 0x00 and the canonical CBOR of `map` (if any). */
export function ok(map?: Map<number, unknown>): Uint8Array {
  if (!map) return new Uint8Array([CTAP2_STATUS.CTAP2_OK]);
  const body = encodeCanonicalCbor(map);
  const out = new Uint8Array(body.length + 1);
  out.set(body, 1);
  return out;
}

/** The algorithms a request may pick, in the authenticator's order. */
export function supportedAlg(alg: number, algorithms: CredentialAlg[]): alg is CredentialAlg {
  return (alg === COSE_ALG.ES256 || alg === COSE_ALG.EdDSA) && algorithms.includes(alg);
}

export { CTAP2_CMD, CtapStatus };
