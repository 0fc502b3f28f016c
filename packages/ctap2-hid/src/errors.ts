/**
 * The package's one error class, {@link CtapError}: for everything between the host and the key
 * (transport, framing, timeouts, host-side checks), for a CTAP2 status code the key answered
 * with, and for the virtual authenticator's options, saved state and socket.
 */
import { CTAP2_STATUS, CTAPHID_ERR, type Ctap2StatusName } from './ctap2/constants.ts';

/**
 * Stable codes of {@link CtapError}: the host's `ERR_*` codes, the virtual authenticator's
 * `ERR_*` codes, and the spec's name of every CTAP2 status a key can answer with.
 */
export type CtapErrorCode =
  // --- host and transport (the driver) ---
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
  /** The transport or the client was closed. */
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
  | 'ERR_U2F_STATUS'
  // --- virtual authenticator (options, saved state, UDP server) ---
  /** A saved state is not valid JSON or does not have the shape this version writes. */
  | 'ERR_STATE_CORRUPT'
  /** A saved state belongs to another program or to an unsupported version. */
  | 'ERR_STATE_FOREIGN'
  /** An option of the virtual authenticator has a value out of range. */
  | 'ERR_INVALID_OPTION'
  /** The UDP socket could not be opened. */
  | 'ERR_SOCKET'
  // --- a CTAP2 status the key answered (CTAP 2.1 §8.2; for a U2F key, its equivalent, §10); `status` holds it ---
  /** The spec's name of a non-OK status, such as `CTAP2_ERR_PIN_INVALID` (range markers excluded). */
  | Exclude<Ctap2StatusName, 'CTAP2_OK' | `${string}_FIRST` | `${string}_LAST`>
  /** A status byte the spec does not name (an extension, vendor or future status); `status` holds it. */
  | 'CTAP2_ERR_UNKNOWN';

/** Options of the {@link CtapError} constructor: `cause` and the fields that some codes carry. */
export interface CtapErrorOptions extends ErrorOptions {
  /**
   * The CTAP2 status byte the key answered (or, for a U2F-only key, the CTAP2 status that stands
   * for the outcome, CTAP 2.1 §10). {@link CtapError.fromStatus} sets it; never set it for the
   * host's or the virtual authenticator's own codes.
   */
  status?: number;
  /** The CTAPHID_ERROR code, for `ERR_DEVICE`. */
  hidError?: number;
  /** The U2F status word, for `ERR_U2F_STATUS`. */
  u2fStatus?: number;
}

const STATUS_NAMES: ReadonlyMap<number, Ctap2StatusName> = /* @__PURE__ */ new Map(
  (Object.entries(CTAP2_STATUS) as [Ctap2StatusName, number][])
    .filter(([name]) => !name.endsWith('_FIRST') && !name.endsWith('_LAST'))
    .map(([name, value]) => [value, name]),
);

/** The words for every code the host or the virtual authenticator decides on. */
const OWN_EXPLANATIONS: Record<Exclude<CtapErrorCode, `CTAP${string}`>, string> = {
  ERR_TIMEOUT: 'The key did not answer in time; check that it is plugged in.',
  ERR_MALFORMED: 'The key answered something that cannot be read.',
  ERR_NONCE_MISMATCH: 'Another program is talking to the key at the same time; close it and try again.',
  ERR_DEVICE: 'The key reported a USB protocol error.',
  ERR_CANCELLED: 'The operation was cancelled.',
  ERR_CLOSED: 'The connection to the key was closed.',
  ERR_TRANSPORT: 'Talking to the key failed; unplug it and plug it in again.',
  ERR_ACCESS_DENIED: 'The operating system does not let this program use the key.',
  ERR_NO_DEVICE: 'No security key was found; plug one in.',
  ERR_INVALID_ARGUMENT: 'The program passed a value that is out of range or of the wrong shape.',
  ERR_REQUEST_TOO_LARGE: 'The request is larger than the key accepts.',
  ERR_PIN_TOO_SHORT: 'The PIN is shorter than the key allows.',
  ERR_PIN_TOO_LONG: 'The PIN is too long (at most 63 bytes).',
  ERR_PIN_REQUIRED: 'The key needs its PIN for this operation.',
  ERR_UNSUPPORTED: 'The key does not support this.',
  ERR_U2F_STATUS: 'The key (an older U2F key) answered with an unexpected status.',
  ERR_STATE_CORRUPT: 'The saved state of the virtual authenticator is damaged.',
  ERR_STATE_FOREIGN: 'The saved state was not written by this version of the virtual authenticator.',
  ERR_INVALID_OPTION: 'An option of the virtual authenticator is out of range.',
  ERR_SOCKET: 'The virtual authenticator could not open its UDP socket.',
};

/** The words for every CTAP2 status code, named or not: complete, so a new name cannot go without. */
const STATUS_EXPLANATIONS: Record<Extract<CtapErrorCode, `CTAP${string}`>, string> = {
  CTAP1_ERR_INVALID_COMMAND: 'The key does not know this command.',
  CTAP1_ERR_INVALID_PARAMETER: 'The key refused a parameter of the request.',
  CTAP1_ERR_INVALID_LENGTH: 'The request has a length the key does not accept.',
  CTAP1_ERR_INVALID_SEQ: 'The parts of the request reached the key out of order; try again.',
  CTAP1_ERR_TIMEOUT: 'The key timed out waiting for the rest of the request.',
  CTAP1_ERR_CHANNEL_BUSY: 'The key is busy with another program; try again.',
  CTAP1_ERR_LOCK_REQUIRED: 'The key needs the channel locked for this command.',
  CTAP1_ERR_INVALID_CHANNEL: 'The key does not know the channel the request came on; try again.',
  CTAP2_ERR_CBOR_UNEXPECTED_TYPE: 'A value in the request has a type the key did not expect.',
  CTAP2_ERR_INVALID_CBOR: 'The key could not read the request.',
  CTAP2_ERR_MISSING_PARAMETER: 'The request lacks a parameter the key needs.',
  CTAP2_ERR_LIMIT_EXCEEDED: 'A list in the request is longer than the key accepts.',
  CTAP2_ERR_FP_DATABASE_FULL: 'The key has no room for another fingerprint.',
  CTAP2_ERR_LARGE_BLOB_STORAGE_FULL: 'The key has no room left for large blobs.',
  CTAP2_ERR_CREDENTIAL_EXCLUDED: 'This key is already registered for this account.',
  CTAP2_ERR_PROCESSING: 'The key is still processing an earlier request.',
  CTAP2_ERR_INVALID_CREDENTIAL: 'The key does not accept the credential named in the request.',
  CTAP2_ERR_USER_ACTION_PENDING: 'The key is still waiting for the user (a touch or a fingerprint).',
  CTAP2_ERR_OPERATION_PENDING: 'The key is busy with another operation; try again.',
  CTAP2_ERR_NO_OPERATIONS: 'The key has no pending operation to continue.',
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
  CTAP2_ERR_UNKNOWN: 'The key reported an error that the CTAP specification does not name.',
};

function isByte(status: number | undefined): status is number {
  return Number.isInteger(status) && (status as number) >= 0 && (status as number) <= 0xff;
}

function explanationOf(code: CtapErrorCode, status: number | undefined): string {
  if (!code.startsWith('CTAP')) return OWN_EXPLANATIONS[code as keyof typeof OWN_EXPLANATIONS];
  if (code === 'CTAP2_ERR_UNKNOWN' && isByte(status)) {
    if (status >= CTAP2_STATUS.CTAP2_ERR_VENDOR_FIRST) return 'The key reported a vendor-specific error.';
    if (status >= CTAP2_STATUS.CTAP2_ERR_EXTENSION_FIRST) return 'The key reported an extension error.';
  }
  return STATUS_EXPLANATIONS[code as keyof typeof STATUS_EXPLANATIONS];
}

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
 * Thrown by everything in this package: failures between the host and the key (timeouts,
 * malformed or foreign answers, CTAPHID_ERROR reports, cancellation, transport and permission
 * problems, host-side checks such as PIN length made before anything is sent), a CTAP2 status
 * other than `CTAP2_OK` that the key answered (`code` is then the spec's name and `status` the
 * byte), and the virtual authenticator's bad options, bad saved state and socket failures.
 *
 * @remarks
 * `status` is present exactly when `code` is a CTAP2 status: one the key answered or, for a
 * U2F-only key, the CTAP2 status that stands for the outcome (CTAP 2.1 §10). `explanation` always
 * says what the code means in a user's words. Messages never contain a PIN, a token or key material.
 *
 * @example
 * ```ts
 * try {
 *   await client.clientPin.getPinToken(pin);
 * } catch (error) {
 *   if (isCtapError(error) && error.code === 'CTAP2_ERR_PIN_INVALID') console.error(error.explanation);
 *   else if (isCtapError(error) && error.code === 'ERR_TIMEOUT') console.error('The key did not answer.');
 * }
 * ```
 */
export class CtapError extends Error {
  override readonly name = 'CtapError';
  /** Stable machine-readable code; for a status the key answered, the spec's name of it. */
  readonly code: CtapErrorCode;
  // `declare`: an absent field is left out rather than set to undefined (`'status' in error` is false).
  /** The CTAP2 status byte (see `code`); absent for every `ERR_*` code. */
  declare readonly status?: number;
  /** What the code means, for a person. */
  readonly explanation: string;
  /** The CTAPHID_ERROR code the device sent, for `ERR_DEVICE`. */
  declare readonly hidError?: number;
  /** The U2F status word, for `ERR_U2F_STATUS`. */
  declare readonly u2fStatus?: number;

  /**
   * @param code - The stable code.
   * @param message - What went wrong, for a person (never contains a PIN or token).
   * @param options - `cause`, and `status`, `hidError` or `u2fStatus` where they apply.
   */
  constructor(code: CtapErrorCode, message: string, options: CtapErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.explanation = explanationOf(code, options.status);
    if (options.status !== undefined) this.status = options.status;
    if (options.hidError !== undefined) this.hidError = options.hidError;
    if (options.u2fStatus !== undefined) this.u2fStatus = options.u2fStatus;
  }

  /**
   * Builds the error for a CTAP2 status the key answered, with the message
   * `"<context> failed: CTAP2_ERR_X (0x31). <explanation>"`.
   *
   * @param status - The status byte (non-zero). Any other number never throws: it gives
   * `CTAP2_ERR_UNKNOWN`, as a byte the spec does not name does.
   * @param context - The command that failed, for the message (`clientPIN.getPINToken`).
   * @returns A {@link CtapError} whose `code` is the spec's name of `status` (or
   * `CTAP2_ERR_UNKNOWN`) and whose `status` is the byte.
   */
  static fromStatus(status: number, context = 'CTAP2 command'): CtapError {
    const name = ctapStatusName(status);
    // The STATUS_NAMES filter never yields a range marker; CTAP2_OK is not an error.
    const code = (name === 'CTAP2_OK' ? 'CTAP2_ERR_UNKNOWN' : name) as CtapErrorCode;
    const explanation = explanationOf(code, status);
    const shown = isByte(status) ? `0x${status.toString(16).padStart(2, '0')}` : String(status);
    return new CtapError(code, `${context} failed: ${code} (${shown}). ${explanation}`, { status });
  }
}

/**
 * Tells whether a value is a {@link CtapError}, also across ESM and CJS copies of this package.
 *
 * @param error - Any caught value.
 * @returns `true` when `error` is a {@link CtapError}.
 */
export function isCtapError(error: unknown): error is CtapError {
  return error instanceof Error && error.name === 'CtapError' && 'code' in error;
}

const HID_ERROR_NAMES: ReadonlyMap<number, string> = /* @__PURE__ */ new Map(
  Object.entries(CTAPHID_ERR).map(([name, value]) => [value, `ERR_${name}`]),
);

/**
 * Internal: the spec name of a CTAPHID_ERROR code (CTAP 2.1 §11.2.9.1.6), for messages.
 *
 * @param code - The CTAPHID_ERROR code byte.
 * @returns `ERR_INVALID_CMD` and the like, or the code in hex when the spec does not name it.
 */
export function hidErrorName(code: number): string {
  return HID_ERROR_NAMES.get(code) ?? `0x${code.toString(16).padStart(2, '0')}`;
}

/**
 * Internal: builds the `ERR_MALFORMED` error for the CBOR and byte-reader seams.
 *
 * @param message - What could not be read (never the bytes of a PIN, token or key).
 * @param cause - The decoder's own error, when there is one.
 * @returns The error, to throw.
 */
export function malformed(message: string, cause?: unknown): CtapError {
  return new CtapError('ERR_MALFORMED', message, cause === undefined ? {} : { cause });
}
