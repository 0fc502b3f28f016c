/** Error classes: spec names, explanations, guards. */
import { describe, expect, it } from 'vitest';
import { CtapError, CtapHidError, ctapStatusName, isCtapError, isCtapHidError } from './errors.ts';

describe('errors', () => {
  it('names CTAP2 status codes as the spec does', () => {
    expect(ctapStatusName(0x31)).toBe('CTAP2_ERR_PIN_INVALID');
    expect(ctapStatusName(0x00)).toBe('CTAP2_OK');
    expect(ctapStatusName(0x99)).toBe('CTAP2_ERR_UNKNOWN');
  });

  it('CtapError carries the name, the byte and an explanation for people', () => {
    const error = new CtapError(0x32, 'clientPIN.getPINToken');
    expect(error).toMatchObject({ code: 'CTAP2_ERR_PIN_BLOCKED', status: 0x32, name: 'CtapError' });
    expect(error.explanation).toContain('register it again');
    expect(error.message).toContain('clientPIN.getPINToken');
    expect(new CtapError(0xf5).explanation).toContain('vendor');
    expect(new CtapError(0xe5).explanation).toContain('extension');
    expect(new CtapError(0x99).code).toBe('CTAP2_ERR_UNKNOWN');
  });

  it('guards tell the classes apart, also for look-alikes from another copy', () => {
    const hid = new CtapHidError('ERR_DEVICE', 'x', { hidError: 6, cause: 1 });
    expect(hid.hidError).toBe(6);
    expect(isCtapHidError(hid)).toBe(true);
    expect(isCtapError(hid)).toBe(false);
    expect(isCtapError(new CtapError(0x31))).toBe(true);
    const copy = Object.assign(new Error('x'), { name: 'CtapHidError', code: 'ERR_TIMEOUT' });
    expect(isCtapHidError(copy)).toBe(true);
    expect(isCtapHidError({ name: 'CtapHidError', code: 'ERR_TIMEOUT' })).toBe(false);
  });
});
