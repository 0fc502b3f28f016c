import { describe, expect, it } from 'vitest';
import { isWebAuthnError, WebAuthnError } from './errors.ts';

describe('WebAuthnError', () => {
  it('carries a code, a name and a cause', () => {
    const cause = new Error('inner');
    const e = new WebAuthnError('ERR_ORIGIN_MISMATCH', 'origin mismatch', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'WebAuthnError', code: 'ERR_ORIGIN_MISMATCH', message: 'origin mismatch', cause });
  });
  it('isWebAuthnError recognises copies from another module instance by name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'WebAuthnError', code: 'ERR_MALFORMED' });
    expect(isWebAuthnError(foreign)).toBe(true);
    expect(isWebAuthnError(new Error('x'))).toBe(false);
    expect(isWebAuthnError({ name: 'WebAuthnError', code: 'ERR_MALFORMED' })).toBe(false);
  });
});
