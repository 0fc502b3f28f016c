/** keyward-token's explanations and exit codes for every error it knows. */
import { describe, expect, it } from 'vitest';
import { CTAP2_STATUS } from '../ctap2/constants.ts';
import { CtapError, type CtapErrorCode } from '../errors.ts';
import { EXIT, explain, TokenCliError, UsageError } from './token-errors.ts';

describe('explain', () => {
  it('maps CTAP2 statuses to exit codes and user words', () => {
    const cases: [keyof typeof CTAP2_STATUS, number, string][] = [
      ['CTAP2_ERR_PIN_INVALID', EXIT.PIN, 'Wrong PIN'],
      ['CTAP2_ERR_PIN_BLOCKED', EXIT.PIN_BLOCKED, 'register it again'],
      ['CTAP2_ERR_PIN_AUTH_BLOCKED', EXIT.PIN_BLOCKED, 'Unplug the key'],
      ['CTAP2_ERR_PIN_NOT_SET', EXIT.PIN, 'pin set'],
      ['CTAP2_ERR_PIN_POLICY_VIOLATION', EXIT.PIN, 'too short'],
      ['CTAP2_ERR_PIN_AUTH_INVALID', EXIT.PIN, 'pin change'],
      ['CTAP2_ERR_PUAT_REQUIRED', EXIT.PIN, 'PIN'],
      ['CTAP2_ERR_NOT_ALLOWED', EXIT.NOT_NOW, 'within 10 seconds'],
      ['CTAP2_ERR_USER_ACTION_TIMEOUT', EXIT.NOT_NOW, 'touch the key'],
      ['CTAP2_ERR_ACTION_TIMEOUT', EXIT.NOT_NOW, 'touch the key'],
      ['CTAP2_ERR_OPERATION_DENIED', EXIT.NOT_NOW, 'refused'],
      ['CTAP2_ERR_KEEPALIVE_CANCEL', EXIT.INTERRUPTED, 'Cancelled'],
      ['CTAP2_ERR_NO_CREDENTIALS', EXIT.NOT_FOUND, 'no such credential'],
      ['CTAP1_ERR_INVALID_COMMAND', EXIT.UNSUPPORTED, 'does not support'],
      ['CTAP2_ERR_INVALID_SUBCOMMAND', EXIT.UNSUPPORTED, 'does not support'],
      ['CTAP2_ERR_UNSUPPORTED_OPTION', EXIT.UNSUPPORTED, 'does not support'],
      ['CTAP2_ERR_KEY_STORE_FULL', EXIT.FAILURE, 'no room'],
    ];
    for (const [name, exitCode, words] of cases) {
      const result = explain(CtapError.fromStatus(CTAP2_STATUS[name]));
      expect(result, name).toMatchObject({ code: name, exitCode });
      expect(result.message, name).toContain(words);
    }
    const vendor = explain(CtapError.fromStatus(0xf5));
    expect(vendor).toMatchObject({ code: 'CTAP2_ERR_UNKNOWN', exitCode: EXIT.FAILURE });
    expect(vendor.message).toContain('vendor-specific');
  });

  it('maps driver errors to exit codes', () => {
    const cases: [CtapErrorCode, number][] = [
      ['ERR_PIN_TOO_SHORT', EXIT.PIN],
      ['ERR_PIN_TOO_LONG', EXIT.PIN],
      ['ERR_PIN_REQUIRED', EXIT.PIN],
      ['ERR_UNSUPPORTED', EXIT.UNSUPPORTED],
      ['ERR_CANCELLED', EXIT.INTERRUPTED],
      ['ERR_INVALID_ARGUMENT', EXIT.USAGE],
      ['ERR_TIMEOUT', EXIT.DEVICE],
      ['ERR_ACCESS_DENIED', EXIT.DEVICE],
      ['ERR_NO_DEVICE', EXIT.DEVICE],
      ['ERR_TRANSPORT', EXIT.DEVICE],
      ['ERR_CLOSED', EXIT.DEVICE],
      ['ERR_MALFORMED', EXIT.DEVICE],
      ['ERR_DEVICE', EXIT.DEVICE],
      ['ERR_NONCE_MISMATCH', EXIT.DEVICE],
      ['ERR_REQUEST_TOO_LARGE', EXIT.DEVICE],
      ['ERR_U2F_STATUS', EXIT.DEVICE],
      // The virtual authenticator's codes never reach this CLI; if one did, it is a plain failure.
      ['ERR_STATE_CORRUPT', EXIT.FAILURE],
    ];
    for (const [code, exitCode] of cases)
      expect(explain(new CtapError(code, 'x')), code).toMatchObject({ code, exitCode });
  });

  it('usage errors, the CLI’s own errors and anything else', () => {
    expect(explain(new UsageError('bad'))).toMatchObject({ exitCode: EXIT.USAGE, code: 'USAGE' });
    expect(explain(new TokenCliError('X', 9, 'm'))).toEqual({ code: 'X', exitCode: 9, message: 'm' });
    expect(explain(new Error('boom'))).toMatchObject({
      exitCode: EXIT.FAILURE,
      code: 'ERR_UNEXPECTED',
      message: 'boom',
    });
    expect(explain('text')).toMatchObject({ exitCode: EXIT.FAILURE, message: 'text' });
  });
});
