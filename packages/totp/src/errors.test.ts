import { describe, expect, it } from 'vitest';
import { isTotpError, TotpError } from './errors.ts';

describe('TotpError', () => {
  it('carries a code, a name and a cause', () => {
    const cause = new Error('inner');
    const error = new TotpError('ERR_INVALID_URI', 'bad', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TotpError');
    expect(error.code).toBe('ERR_INVALID_URI');
    expect(error.cause).toBe(cause);
  });

  it('isTotpError recognises ours, also from another copy, and nothing else', () => {
    expect(isTotpError(new TotpError('ERR_INVALID_SECRET', 'x'))).toBe(true);
    const foreign = Object.assign(new Error('x'), { name: 'TotpError', code: 'ERR_INVALID_SECRET' });
    expect(isTotpError(foreign)).toBe(true);
    expect(isTotpError(new Error('x'))).toBe(false);
    expect(isTotpError({ name: 'TotpError', code: 'ERR_INVALID_SECRET' })).toBe(false);
    expect(isTotpError(undefined)).toBe(false);
  });
});
