/** The one error class: codes, spec names, explanations, the guard. */
import { describe, expect, it } from 'vitest';
import { CTAP2_STATUS } from './ctap2/constants.ts';
import { CtapError, type CtapErrorCode, ctapStatusName, isCtapError, malformed } from './errors.ts';

/** Every code the host or the virtual authenticator decides on (not a device status). */
const OWN_CODES: CtapErrorCode[] = [
  'ERR_TIMEOUT',
  'ERR_MALFORMED',
  'ERR_NONCE_MISMATCH',
  'ERR_DEVICE',
  'ERR_CANCELLED',
  'ERR_CLOSED',
  'ERR_TRANSPORT',
  'ERR_ACCESS_DENIED',
  'ERR_NO_DEVICE',
  'ERR_INVALID_ARGUMENT',
  'ERR_REQUEST_TOO_LARGE',
  'ERR_PIN_TOO_SHORT',
  'ERR_PIN_TOO_LONG',
  'ERR_PIN_REQUIRED',
  'ERR_UNSUPPORTED',
  'ERR_U2F_STATUS',
  'ERR_STATE_CORRUPT',
  'ERR_STATE_FOREIGN',
  'ERR_INVALID_OPTION',
  'ERR_SOCKET',
];

describe('errors', () => {
  it('names CTAP2 status codes as the spec does', () => {
    expect(ctapStatusName(0x31)).toBe('CTAP2_ERR_PIN_INVALID');
    expect(ctapStatusName(0x00)).toBe('CTAP2_OK');
    expect(ctapStatusName(0x99)).toBe('CTAP2_ERR_UNKNOWN');
    // Range markers are not statuses.
    expect(ctapStatusName(CTAP2_STATUS.CTAP2_ERR_VENDOR_FIRST)).toBe('CTAP2_ERR_UNKNOWN');
  });

  it('fromStatus carries the spec name, the byte and an explanation for people', () => {
    const error = CtapError.fromStatus(0x32, 'clientPIN.getPINToken');
    expect(error).toMatchObject({ code: 'CTAP2_ERR_PIN_BLOCKED', status: 0x32, name: 'CtapError' });
    expect(error.explanation).toContain('register it again');
    expect(error.message).toBe(`clientPIN.getPINToken failed: CTAP2_ERR_PIN_BLOCKED (0x32). ${error.explanation}`);
    expect(CtapError.fromStatus(0x31).message).toMatch(/^CTAP2 command failed: CTAP2_ERR_PIN_INVALID \(0x31\)\. /);
    expect(CtapError.fromStatus(0xf5)).toMatchObject({ code: 'CTAP2_ERR_UNKNOWN', status: 0xf5 });
    expect(CtapError.fromStatus(0xf5).explanation).toContain('vendor');
    expect(CtapError.fromStatus(0xe5).explanation).toContain('extension');
    expect(CtapError.fromStatus(0x99)).toMatchObject({ code: 'CTAP2_ERR_UNKNOWN', status: 0x99 });
    expect(CtapError.fromStatus(0x00)).toMatchObject({ code: 'CTAP2_ERR_UNKNOWN', status: 0x00 });
  });

  it('fromStatus has its own words for every status the spec names, and a range word for the others', () => {
    const generic = CtapError.fromStatus(0x99).explanation;
    expect(generic).toMatch(/^[A-Z].+\.$/);
    for (const [name, status] of Object.entries(CTAP2_STATUS)) {
      if (name === 'CTAP2_OK' || name.endsWith('_FIRST') || name.endsWith('_LAST')) continue;
      const error = CtapError.fromStatus(status);
      expect(error.code, name).toBe(name);
      expect(error.explanation, name).toMatch(/^[A-Z].+\.$/);
      expect(error.explanation, name).not.toBe(generic);
    }
    for (let status = 0; status <= 0xff; status++) {
      const error = CtapError.fromStatus(status);
      expect(error.explanation, String(status)).toMatch(/^[A-Z].+\.$/);
      expect(error.status).toBe(status);
    }
  });

  it('fromStatus never throws on a number that is not a byte', () => {
    for (const status of [0x100, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = CtapError.fromStatus(status, 'test');
      expect(error, String(status)).toMatchObject({ code: 'CTAP2_ERR_UNKNOWN', status });
      expect(error.explanation, String(status)).not.toMatch(/vendor|extension/);
      expect(error.message, String(status)).toBe(`test failed: CTAP2_ERR_UNKNOWN (${status}). ${error.explanation}`);
    }
  });

  it('host and virtual-authenticator codes carry their fields and words, and no status', () => {
    const hid = new CtapError('ERR_DEVICE', 'x', { hidError: 6, cause: 1 });
    expect(hid).toMatchObject({ code: 'ERR_DEVICE', hidError: 6, cause: 1, message: 'x' });
    const u2f = new CtapError('ERR_U2F_STATUS', 'y', { u2fStatus: 0x6985 });
    expect(u2f).toMatchObject({ code: 'ERR_U2F_STATUS', u2fStatus: 0x6985 });
    expect('cause' in u2f).toBe(false);
    const state = new CtapError('ERR_STATE_CORRUPT', 'bad', { cause: new SyntaxError('json') });
    expect(state.cause).toBeInstanceOf(SyntaxError);
    expect(malformed('m', 2)).toMatchObject({ code: 'ERR_MALFORMED', message: 'm', cause: 2 });
    for (const code of OWN_CODES) {
      const error = new CtapError(code, 'm');
      expect(error.status, code).toBeUndefined();
      expect('status' in error, code).toBe(false);
      expect(error.explanation, code).toMatch(/^[A-Z].+\.$/);
      expect(error.explanation, code).not.toBe(CtapError.fromStatus(0x99).explanation);
    }
  });

  it('the guard recognises every code, also look-alikes from another copy, and nothing else', () => {
    expect(isCtapError(CtapError.fromStatus(0x31))).toBe(true);
    for (const code of OWN_CODES) expect(isCtapError(new CtapError(code, 'm')), code).toBe(true);
    const copy = Object.assign(new Error('x'), { name: 'CtapError', code: 'ERR_TIMEOUT' });
    expect(isCtapError(copy)).toBe(true);
    expect(isCtapError({ name: 'CtapError', code: 'ERR_TIMEOUT' })).toBe(false);
    expect(isCtapError(Object.assign(new Error('x'), { name: 'CtapHidError', code: 'ERR_TIMEOUT' }))).toBe(false);
    expect(isCtapError(Object.assign(new Error('x'), { name: 'CtapError' }))).toBe(false);
    expect(isCtapError(new Error('x'))).toBe(false);
    expect(isCtapError('ERR_STATE_CORRUPT')).toBe(false);
  });
});
