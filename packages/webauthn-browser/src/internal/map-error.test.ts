import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebAuthnBrowserError } from '../errors.ts';
import { mapError } from './map-error.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

// [DOMException name, on create, on get]
const TABLE: [string, string, string][] = [
  ['NotAllowedError', 'ERR_CANCELLED', 'ERR_CANCELLED'],
  ['AbortError', 'ERR_ABORTED', 'ERR_ABORTED'],
  ['InvalidStateError', 'ERR_ALREADY_REGISTERED', 'ERR_UNKNOWN'],
  ['SecurityError', 'ERR_INVALID_RP_ID', 'ERR_INVALID_RP_ID'],
  ['NotSupportedError', 'ERR_ALG_UNSUPPORTED', 'ERR_UNSUPPORTED'],
  ['ConstraintError', 'ERR_AUTHENTICATOR', 'ERR_AUTHENTICATOR'],
  ['UnknownError', 'ERR_AUTHENTICATOR', 'ERR_AUTHENTICATOR'],
  ['EncodingError', 'ERR_BAD_OPTIONS', 'ERR_BAD_OPTIONS'],
  ['SyntaxError', 'ERR_BAD_OPTIONS', 'ERR_BAD_OPTIONS'],
  ['OperationError', 'ERR_UNKNOWN', 'ERR_UNKNOWN'],
];

describe('mapError', () => {
  it.each(TABLE)('maps %s to %s on create and %s on get, keeping it as cause', (name, onCreate, onGet) => {
    const original = new DOMException('browser message', name);
    const created = mapError(original, true);
    expect(created).toBeInstanceOf(WebAuthnBrowserError);
    expect(created).toMatchObject({ code: onCreate, cause: original });
    expect(created.message).toContain(name);
    expect(mapError(original, false)).toMatchObject({ code: onGet, cause: original });
  });

  it('maps TypeError (bad options) to ERR_BAD_OPTIONS', () => {
    const original = new TypeError("Failed to read the 'user' property");
    expect(mapError(original, true)).toMatchObject({ code: 'ERR_BAD_OPTIONS', cause: original });
  });

  it('names the RP ID and the origin for ERR_INVALID_RP_ID', () => {
    vi.stubGlobal('location', { hostname: 'app.example.org', origin: 'https://app.example.org' });
    const explicit = mapError(new DOMException('x', 'SecurityError'), true, 'example.com');
    expect(explicit.message).toContain('"example.com"');
    expect(explicit.message).toContain('https://app.example.org');
    expect(mapError(new DOMException('x', 'SecurityError'), false).message).toContain('"app.example.org"');
  });

  it('blames an insecure context first, whatever the browser threw', () => {
    vi.stubGlobal('isSecureContext', false);
    expect(mapError(new DOMException('x', 'SecurityError'), true)).toMatchObject({ code: 'ERR_NOT_SECURE_CONTEXT' });
    expect(mapError(new DOMException('x', 'NotAllowedError'), false)).toMatchObject({ code: 'ERR_NOT_SECURE_CONTEXT' });
  });

  it('returns our own errors unchanged and maps non-errors to ERR_UNKNOWN', () => {
    const ours = new WebAuthnBrowserError('ERR_BAD_OPTIONS', 'x');
    expect(mapError(ours, true)).toBe(ours);
    expect(mapError('a string', true)).toMatchObject({ code: 'ERR_UNKNOWN', cause: 'a string' });
    expect(mapError(null, false)).toMatchObject({ code: 'ERR_UNKNOWN', cause: null });
    expect(mapError(undefined, false)).toMatchObject({ code: 'ERR_UNKNOWN' });
  });
});
