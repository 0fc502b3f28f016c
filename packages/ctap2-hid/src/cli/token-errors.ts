/** Internal: keyward-token's exit codes and the user-facing explanation of each error. */
import { isCtapError } from '../errors.ts';

/** Exit codes of keyward-token (also in the README and `--help`). */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  DEVICE: 3,
  PIN: 4,
  PIN_BLOCKED: 5,
  NOT_NOW: 6,
  UNSUPPORTED: 7,
  NOT_FOUND: 8,
  INTERRUPTED: 130,
} as const;

/** A usage error (bad arguments). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An error the CLI itself decided on, with its exit code and code name. */
export class TokenCliError extends Error {
  override readonly name = 'TokenCliError';
  readonly exitCode: number;
  readonly code: string;
  constructor(code: string, exitCode: number, message: string) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** What to tell the user about an error, and the exit code. */
export interface Explained {
  code: string;
  exitCode: number;
  message: string;
}

export const BLOCKED_ADVICE: string =
  'The PIN of this key is blocked after too many wrong attempts; only a reset makes the key usable again.\n' +
  'To recover: 1. reset the key (`keyward-token reset`; this erases everything on it),\n' +
  '2. remove the key from every account it was registered with,\n' +
  '3. register it again and set a new PIN.';

export const RESET_WINDOW_ADVICE: string =
  'The key accepts a reset only within 10 seconds of being plugged in.\n' +
  'Unplug the key, plug it in again, and run `keyward-token reset` within 10 seconds.';

/** Turns any error into words for the user and an exit code. */
export function explain(error: unknown): Explained {
  if (error instanceof UsageError) return { code: 'USAGE', exitCode: EXIT.USAGE, message: error.message };
  if (error instanceof TokenCliError) return { code: error.code, exitCode: error.exitCode, message: error.message };
  if (isCtapError(error)) {
    const c = error.code;
    const out = (exitCode: number, message: string): Explained => ({ code: c, exitCode, message });
    switch (c) {
      // A CTAP2 status the key answered.
      case 'CTAP2_ERR_PIN_INVALID':
        return out(EXIT.PIN, 'Wrong PIN.');
      case 'CTAP2_ERR_PIN_BLOCKED':
        return out(EXIT.PIN_BLOCKED, BLOCKED_ADVICE);
      case 'CTAP2_ERR_PIN_AUTH_BLOCKED':
        return out(
          EXIT.PIN_BLOCKED,
          'Too many wrong PINs in a row. Unplug the key, plug it in again, and then try again (your remaining attempts are kept).',
        );
      case 'CTAP2_ERR_PIN_NOT_SET':
        return out(EXIT.PIN, 'This key has no PIN yet. Set one with `keyward-token pin set`.');
      case 'CTAP2_ERR_PIN_POLICY_VIOLATION':
        return out(
          EXIT.PIN,
          'The key refused the new PIN: it is too short for the key’s rules, or not allowed (for example the same as the old one).',
        );
      case 'CTAP2_ERR_PIN_AUTH_INVALID':
        return out(
          EXIT.PIN,
          'The key refused the PIN operation (does it already have a PIN? Then use `keyward-token pin change`).',
        );
      case 'CTAP2_ERR_PUAT_REQUIRED':
        return out(EXIT.PIN, 'The key needs its PIN for this.');
      case 'CTAP2_ERR_NOT_ALLOWED':
        return out(EXIT.NOT_NOW, `The key does not allow this now.\n${RESET_WINDOW_ADVICE}`);
      case 'CTAP2_ERR_USER_ACTION_TIMEOUT':
      case 'CTAP2_ERR_ACTION_TIMEOUT':
        return out(EXIT.NOT_NOW, 'Nobody touched the key in time. Run the command again and touch the key when asked.');
      case 'CTAP2_ERR_OPERATION_DENIED':
        return out(EXIT.NOT_NOW, 'The key refused the operation (the touch was declined).');
      case 'CTAP2_ERR_KEEPALIVE_CANCEL':
        return out(EXIT.INTERRUPTED, 'Cancelled.');
      case 'CTAP2_ERR_NO_CREDENTIALS':
        return out(EXIT.NOT_FOUND, 'The key holds no such credential.');
      case 'CTAP1_ERR_INVALID_COMMAND':
      case 'CTAP2_ERR_INVALID_SUBCOMMAND':
      case 'CTAP2_ERR_UNSUPPORTED_OPTION':
        return out(EXIT.UNSUPPORTED, 'The key does not support this.');
      // The host's own checks and the transport.
      case 'ERR_PIN_TOO_SHORT':
        return out(EXIT.PIN, `The PIN is too short: ${error.message}.`);
      case 'ERR_PIN_TOO_LONG':
        return out(EXIT.PIN, `The PIN is too long: ${error.message}.`);
      case 'ERR_PIN_REQUIRED':
        return out(EXIT.PIN, error.message);
      case 'ERR_UNSUPPORTED':
        return out(EXIT.UNSUPPORTED, `The key does not support this: ${error.message}.`);
      case 'ERR_CANCELLED':
        return out(EXIT.INTERRUPTED, 'Cancelled.');
      case 'ERR_INVALID_ARGUMENT':
        return out(EXIT.USAGE, error.message);
      case 'ERR_TIMEOUT':
        return out(EXIT.DEVICE, `The key did not answer (${error.message}). Is it plugged in?`);
      case 'ERR_ACCESS_DENIED':
      case 'ERR_NO_DEVICE':
      case 'ERR_TRANSPORT':
      case 'ERR_CLOSED':
        return out(EXIT.DEVICE, error.message);
      case 'ERR_MALFORMED':
      case 'ERR_NONCE_MISMATCH':
      case 'ERR_DEVICE':
      case 'ERR_REQUEST_TOO_LARGE':
      case 'ERR_U2F_STATUS':
        return out(EXIT.DEVICE, `The key answered something unexpected: ${error.message}`);
      // Any other CTAP2 status, and the virtual authenticator's codes (not thrown to this CLI).
      default:
        return out(EXIT.FAILURE, error.message);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'ERR_UNEXPECTED', exitCode: EXIT.FAILURE, message };
}
