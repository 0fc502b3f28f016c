/**
 * The driver's two error classes: {@link CtapHidError} for everything between the host and the
 * key (transport, framing, timeouts, host-side checks) and {@link CtapError} for a CTAP2 status
 * code the key answered with.
 */
import { CTAP2_STATUS, CTAPHID_ERR, type Ctap2StatusName } from './ctap2/constants.ts';

/** Stable codes of {@link CtapHidError}. */
export type CtapHidErrorCode =
  /** The key stayed silent for longer than the timeout (no answer, no keepalive). */
  | 'ERR_TIMEOUT'
  /** The key answered bytes that are not a valid CTAPHID report, message or CBOR answer. */
  | 'ERR_MALFORMED'
  /** Every CTAPHID_INIT answer carried a nonce other than the one sent (another host's answer). */
  | 'ERR_NONCE_MISMATCH'
  /** The key answered with a CTAPHID_ERROR report; `hidError` holds its code. */
  | 'ERR_DEVICE'
  /** The caller's `AbortSignal` fired; CTAPHID_CANCEL was sent. */
  | 'ERR_CANCELLED'
  /** The transport or client was closed. */
  | 'ERR_CLOSED'
  /** Reading or writing the device failed. */
  | 'ERR_TRANSPORT'
  /** The operating system refused access to the device (udev rule or elevation needed). */
  | 'ERR_ACCESS_DENIED'
  /** No FIDO device was found, or node-hid is not installed. */
  | 'ERR_NO_DEVICE'
  /** An argument is out of range or of the wrong shape. */
  | 'ERR_INVALID_ARGUMENT'
  /** The request is longer than the key (or CTAPHID framing) accepts. */
  | 'ERR_REQUEST_TOO_LARGE'
  /** The PIN is shorter than the key's minimum PIN length (counted in Unicode code points). */
  | 'ERR_PIN_TOO_SHORT'
  /** The PIN is longer than 63 bytes of UTF-8. */
  | 'ERR_PIN_TOO_LONG'
  /** The operation needs a pinUvAuthToken and none was given or obtained. */
  | 'ERR_PIN_REQUIRED'
  /** The key does not support what was asked (a command, an option, an algorithm). */
  | 'ERR_UNSUPPORTED'
  /** A U2F (CTAP1) key answered an unexpected status word; `u2fStatus` holds it. */
  | 'ERR_U2F_STATUS';

/** Extra fields of a {@link CtapHidError}. */
export interface CtapHidErrorDetails {
  /** The CTAPHID_ERROR code, for `ERR_DEVICE`. */
  hidError?: number;
  /** The U2F status word, for `ERR_U2F_STATUS`. */
  u2fStatus?: number;
  /** The error that led to this one. */
  cause?: unknown;
}

/**
 * Thrown for failures between the host and the key: timeouts, malformed or foreign answers,
 * CTAPHID_ERROR reports, cancellation, transport and permission problems, and host-side checks
 * (PIN length, request size) made before anything is sent.
 *
 * @example
 * ```ts
 * try {
 *   await client.reset();
 * } catch (error) {
 *   if (isCtapHidError(error) && error.code === 'ERR_TIMEOUT') console.error('The key did not answer.');
 * }
 * ```
 */
export class CtapHidError extends Error {
  override readonly name = 'CtapHidError';
  /** Stable machine-readable code. */
  readonly code: CtapHidErrorCode;
  /** The CTAPHID_ERROR code the device sent, for `ERR_DEVICE`. */
  readonly hidError?: number;
  /** The U2F status word, for `ERR_U2F_STATUS`. */
  readonly u2fStatus?: number;

  /**
   * @param code - The stable code.
   * @param message - What went wrong, for a person (never contains a PIN or token).
   * @param details - `hidError`, `u2fStatus` and `cause` where they apply.
   */
  constructor(code: CtapHidErrorCode, message: string, details: CtapHidErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.hidError !== undefined) this.hidError = details.hidError;
    if (details.u2fStatus !== undefined) this.u2fStatus = details.u2fStatus;
  }
}

/**
 * Tells whether a value is a {@link CtapHidError}, also across ESM and CJS copies of this package.
 *
 * @param error - Any caught value.
 * @returns `true` when `error` is a {@link CtapHidError}.
 */
export function isCtapHidError(error: unknown): error is CtapHidError {
  return error instanceof Error && error.name === 'CtapHidError' && 'code' in error;
}

/** Code of a {@link CtapError}: the spec's name of the status, or `CTAP2_ERR_UNKNOWN` for an unnamed value. */
export type CtapErrorCode = Exclude<Ctap2StatusName, 'CTAP2_OK'> | 'CTAP2_ERR_UNKNOWN';

const STATUS_NAMES: ReadonlyMap<number, Ctap2StatusName> = /* @__PURE__ */ new Map(
  (Object.entries(CTAP2_STATUS) as [Ctap2StatusName, number][])
    .filter(([name]) => !name.endsWith('_FIRST') && !name.endsWith('_LAST'))
    .map(([name, value]) => [value, name]),
);

const EXPLANATIONS: Partial<Record<CtapErrorCode, string>> = {
  CTAP1_ERR_INVALID_COMMAND: 'The key does not know this command.',
  CTAP1_ERR_INVALID_PARAMETER: 'The key refused a parameter of the request.',
  CTAP1_ERR_INVALID_LENGTH: 'The request has a length the key does not accept.',
  CTAP1_ERR_TIMEOUT: 'The key timed out waiting for the rest of the request.',
  CTAP1_ERR_CHANNEL_BUSY: 'The key is busy with another program; try again.',
  CTAP2_ERR_INVALID_CBOR: 'The key could not read the request.',
  CTAP2_ERR_MISSING_PARAMETER: 'The request lacks a parameter the key needs.',
  CTAP2_ERR_LIMIT_EXCEEDED: 'A list in the request is longer than the key accepts.',
  CTAP2_ERR_CREDENTIAL_EXCLUDED: 'This key is already registered for this account.',
  CTAP2_ERR_UNSUPPORTED_ALGORITHM: 'The key supports none of the requested algorithms.',
  CTAP2_ERR_OPERATION_DENIED: 'The key refused the operation (the touch was denied or it is not allowed here).',
  CTAP2_ERR_KEY_STORE_FULL: 'The key has no room for another discoverable credential; delete one first.',
  CTAP2_ERR_UNSUPPORTED_OPTION: 'The key does not support a requested option.',
  CTAP2_ERR_INVALID_OPTION: 'A requested option is not valid for this command.',
  CTAP2_ERR_KEEPALIVE_CANCEL: 'The operation was cancelled.',
  CTAP2_ERR_NO_CREDENTIALS: 'The key holds no matching credential.',
  CTAP2_ERR_USER_ACTION_TIMEOUT: 'Nobody touched the key in time.',
  CTAP2_ERR_NOT_ALLOWED:
    'The key does not allow this now (a reset is only accepted within 10 seconds of plugging the key in).',
  CTAP2_ERR_PIN_INVALID: 'The PIN is wrong.',
  CTAP2_ERR_PIN_BLOCKED:
    'The PIN is blocked after too many wrong attempts. Reset the key (this erases its credentials), remove it from your accounts and register it again.',
  CTAP2_ERR_PIN_AUTH_INVALID: 'The key did not accept the PIN authentication (the PIN may already be set).',
  CTAP2_ERR_PIN_AUTH_BLOCKED: 'Too many wrong PINs in a row: unplug the key and plug it in again before the next try.',
  CTAP2_ERR_PIN_NOT_SET: 'The key has no PIN yet; set one first.',
  CTAP2_ERR_PUAT_REQUIRED: 'The key needs its PIN for this operation.',
  CTAP2_ERR_PIN_POLICY_VIOLATION: 'The new PIN does not meet the key’s rules (too short, or the same as before).',
  CTAP2_ERR_REQUEST_TOO_LARGE: 'The request is larger than the key accepts.',
  CTAP2_ERR_ACTION_TIMEOUT: 'The key gave up waiting.',
  CTAP2_ERR_UP_REQUIRED: 'The key needs a touch for this operation.',
  CTAP2_ERR_UV_BLOCKED: 'Built-in user verification is blocked; use the PIN.',
  CTAP2_ERR_INTEGRITY_FAILURE: 'The key reported an integrity failure.',
  CTAP2_ERR_INVALID_SUBCOMMAND: 'The key does not know this subcommand.',
  CTAP2_ERR_UV_INVALID: 'User verification failed.',
  CTAP2_ERR_UNAUTHORIZED_PERMISSION: 'The PIN token does not carry the permission this operation needs.',
  CTAP1_ERR_OTHER: 'The key reported an unspecified error.',
};

/**
 * Gives the spec name of a CTAP2 status byte (CTAP 2.1 §8.2).
 *
 * @param status - The status byte.
 * @returns The name, such as `CTAP2_ERR_PIN_INVALID`, or `CTAP2_ERR_UNKNOWN`.
 */
export function ctapStatusName(status: number): Ctap2StatusName | 'CTAP2_ERR_UNKNOWN' {
  return STATUS_NAMES.get(status) ?? 'CTAP2_ERR_UNKNOWN';
}

/**
 * Thrown when the key answers a CTAP2 command with a status other than `CTAP2_OK`. `code` is the
 * spec's name of the status; `explanation` says what it means in a user's words.
 *
 * @example
 * ```ts
 * try {
 *   await client.clientPin.getPinToken(pin);
 * } catch (error) {
 *   if (isCtapError(error) && error.code === 'CTAP2_ERR_PIN_INVALID') console.error(error.explanation);
 * }
 * ```
 */
export class CtapError extends Error {
  override readonly name = 'CtapError';
  /** The spec's name of the status, such as `CTAP2_ERR_PIN_INVALID`. */
  readonly code: CtapErrorCode;
  /** The status byte the key sent. */
  readonly status: number;
  /** What the status means, for a person. */
  readonly explanation: string;

  /**
   * @param status - The status byte (non-zero).
   * @param context - The command that failed, for the message (`clientPIN.getPINToken`).
   */
  constructor(status: number, context = 'CTAP2 command') {
    const name = ctapStatusName(status);
    const code: CtapErrorCode = name === 'CTAP2_OK' ? 'CTAP2_ERR_UNKNOWN' : name;
    const explanation =
      EXPLANATIONS[code] ??
      (status >= 0xf0
        ? 'The key reported a vendor-specific error.'
        : status >= 0xe0
          ? 'The key reported an extension error.'
          : 'The key reported an error.');
    super(`${context} failed: ${code} (0x${status.toString(16).padStart(2, '0')}). ${explanation}`);
    this.code = code;
    this.status = status;
    this.explanation = explanation;
  }
}

/**
 * Tells whether a value is a {@link CtapError}, also across ESM and CJS copies of this package.
 *
 * @param error - Any caught value.
 * @returns `true` when `error` is a {@link CtapError}.
 */
export function isCtapError(error: unknown): error is CtapError {
  return error instanceof Error && error.name === 'CtapError' && 'code' in error && 'status' in error;
}

const HID_ERROR_NAMES: ReadonlyMap<number, string> = /* @__PURE__ */ new Map(
  Object.entries(CTAPHID_ERR).map(([name, value]) => [value, `ERR_${name}`]),
);

/** The spec name of a CTAPHID_ERROR code (CTAP 2.1 §11.2.9.1.6), for messages. */
export function hidErrorName(code: number): string {
  return HID_ERROR_NAMES.get(code) ?? `0x${code.toString(16).padStart(2, '0')}`;
}

/** Internal: builds the `ERR_MALFORMED` error for the CBOR and byte-reader seams. */
export function malformed(message: string, cause?: unknown): CtapHidError {
  return new CtapHidError('ERR_MALFORMED', message, cause === undefined ? {} : { cause });
}
