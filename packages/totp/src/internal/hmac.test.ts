import { afterEach, describe, expect, it } from 'vitest';
import { findNodeCrypto, nobleBackend, nodeBackend, truncateBytes } from './hmac.ts';

const proc = process as { getBuiltinModule?: unknown };
const original = proc.getBuiltinModule;
afterEach(() => {
  proc.getBuiltinModule = original;
});

describe('findNodeCrypto', () => {
  it('finds node:crypto through process.getBuiltinModule', () => {
    expect(typeof findNodeCrypto()?.createHmac).toBe('function');
  });

  it('gives undefined, so the noble backend is used, where the runtime has no usable node:crypto', () => {
    proc.getBuiltinModule = undefined;
    expect(findNodeCrypto()).toBeUndefined();
    proc.getBuiltinModule = () => {
      throw new Error('not allowed');
    };
    expect(findNodeCrypto()).toBeUndefined();
    proc.getBuiltinModule = () => ({});
    expect(findNodeCrypto()).toBeUndefined();
    proc.getBuiltinModule = () => undefined;
    expect(findNodeCrypto()).toBeUndefined();
  });
});

describe('backends', () => {
  it('truncate the RFC 2202 HMAC-SHA-1 test case 2 alike, once and keyed', () => {
    const key = new TextEncoder().encode('Jefe');
    const message = new TextEncoder().encode('what do ya want for nothing?');
    const expected = truncateBytes(Uint8Array.from(Buffer.from('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79', 'hex')));
    // offset = 9 (last byte 0x79 & 0xf): bytes 74 16 d5 f1 → 0x7416d5f1.
    expect(expected).toBe(0x7416d5f1);
    const node = nodeBackend(findNodeCrypto()!);
    for (const backend of [nobleBackend, node]) {
      expect(backend.truncated('sha1', key, message), backend.name).toBe(expected);
      const keyed = backend.keyed('sha1', key);
      expect(keyed(message), backend.name).toBe(expected);
      expect(keyed(message), `${backend.name} twice`).toBe(expected);
    }
  });
});
