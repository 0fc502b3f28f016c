import { describe, expect, it } from 'vitest';
import { aaguidFromString, aaguidToString, validateState } from './state.ts';

describe('AAGUID strings', () => {
  it('round-trips and normalises case', () => {
    const bytes = aaguidFromString('6B657977-6172-4476-8972-7475616C4B31') as Uint8Array;
    expect(aaguidToString(bytes)).toBe('6b657977-6172-4476-8972-7475616c4b31');
    expect(aaguidFromString('6b657977617244768972747561 6c4b31')).toBeUndefined();
    expect(aaguidFromString('')).toBeUndefined();
  });
});

describe('validateState', () => {
  it('names the offending field', () => {
    expect(() => validateState({ format: 'keyward-virtual-authenticator', version: 1, aaguid: 'x' })).toThrow(/aaguid/);
    expect(() => validateState([])).toThrow(expect.objectContaining({ code: 'ERR_STATE_CORRUPT' }));
  });
});
