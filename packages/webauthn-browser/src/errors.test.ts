import { describe, expect, it } from 'vitest';
import { isWebAuthnBrowserError, WebAuthnBrowserError } from './errors.ts';

describe('WebAuthnBrowserError', () => {
  it('carries name, code, message and cause', () => {
    const cause = new DOMException('x', 'NotAllowedError');
    const error = new WebAuthnBrowserError('ERR_CANCELLED', 'cancelled', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'WebAuthnBrowserError', code: 'ERR_CANCELLED', message: 'cancelled', cause });
  });

  it('is recognised by isWebAuthnBrowserError, also from another copy of the package', () => {
    expect(isWebAuthnBrowserError(new WebAuthnBrowserError('ERR_UNKNOWN', 'x'))).toBe(true);
    const otherCopy = Object.assign(new Error('x'), { name: 'WebAuthnBrowserError', code: 'ERR_ABORTED' });
    expect(isWebAuthnBrowserError(otherCopy)).toBe(true);
  });

  it('rejects look-alikes that are not errors or lack a code', () => {
    expect(isWebAuthnBrowserError(new DOMException('x', 'NotAllowedError'))).toBe(false);
    expect(isWebAuthnBrowserError(Object.assign(new Error('x'), { name: 'WebAuthnBrowserError' }))).toBe(false);
    expect(isWebAuthnBrowserError({ name: 'WebAuthnBrowserError', code: 'ERR_UNKNOWN' })).toBe(false);
    expect(isWebAuthnBrowserError(null)).toBe(false);
  });
});
