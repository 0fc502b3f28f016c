import { describe, expect, it } from 'vitest';
import { isVirtualAuthenticatorError, VirtualAuthenticatorError } from './errors.ts';

describe('VirtualAuthenticatorError', () => {
  it('carries a stable code and is recognised by the guard, also across copies', () => {
    const error = new VirtualAuthenticatorError('ERR_STATE_CORRUPT', 'bad');
    expect(isVirtualAuthenticatorError(error)).toBe(true);
    const lookalike = Object.assign(new Error('x'), { name: 'VirtualAuthenticatorError', code: 'ERR_CLOSED' });
    expect(isVirtualAuthenticatorError(lookalike)).toBe(true);
    expect(isVirtualAuthenticatorError(new Error('x'))).toBe(false);
    expect(isVirtualAuthenticatorError('ERR_STATE_CORRUPT')).toBe(false);
  });
});
