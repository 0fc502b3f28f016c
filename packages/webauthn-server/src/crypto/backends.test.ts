/**
 * The same verifications through each backend: Node's native module (default on Node), WebCrypto
 * (what browsers, Deno and workers use: `process.getBuiltinModule` hidden) and noble alone (no
 * WebCrypto either). Each run loads a fresh copy of the module, so the backend choice is redone.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coseOf, newCredential, signWith, type TestAlg } from '../../test/helpers/authenticator.ts';

const data = new TextEncoder().encode('authenticatorData || clientDataHash');
const proc = process as unknown as { getBuiltinModule?: unknown };
const original = proc.getBuiltinModule;
const originalCrypto = globalThis.crypto;

afterEach(() => {
  proc.getBuiltinModule = original;
  Object.defineProperty(globalThis, 'crypto', { value: originalCrypto, configurable: true, writable: true });
  vi.resetModules();
});

async function freshModules() {
  vi.resetModules();
  const key = await import('../cose/key.ts');
  const verify = await import('./verify.ts');
  return { parseCoseKey: key.parseCoseKey, verifyWithCoseKey: verify.verifyWithCoseKey };
}

async function check(algs: readonly TestAlg[]) {
  const { parseCoseKey, verifyWithCoseKey } = await freshModules();
  for (const alg of algs) {
    const c = newCredential(alg);
    const key = parseCoseKey(coseOf(alg, c.publicKey));
    const sig = signWith(alg, c.privateKey, data);
    expect(await verifyWithCoseKey(key, data, sig), `alg ${alg}`).toBe(true);
    expect(await verifyWithCoseKey(key, data.subarray(1), sig), `alg ${alg}, other data`).toBe(false);
    expect(await verifyWithCoseKey(key, data, Uint8Array.of(0x30, 0x00)), `alg ${alg}, garbage signature`).toBe(false);
  }
}

describe('signature backends', { timeout: 60_000 }, () => {
  it('native (process.getBuiltinModule)', async () => {
    await check([-7, -35, -36, -8, -257, -37]);
  });
  it('WebCrypto only', async () => {
    proc.getBuiltinModule = undefined;
    await check([-7, -35, -36, -8, -257, -37]);
  });
  it('noble only (no WebCrypto): EC and EdDSA verify, RSA is ERR_UNSUPPORTED_ALG', async () => {
    proc.getBuiltinModule = undefined;
    Object.defineProperty(globalThis, 'crypto', {
      value: { getRandomValues: originalCrypto.getRandomValues.bind(originalCrypto) },
      configurable: true,
      writable: true,
    });
    await check([-7, -35, -36, -8]);
    const { parseCoseKey, verifyWithCoseKey } = await freshModules();
    const c = newCredential(-257);
    await expect(
      verifyWithCoseKey(parseCoseKey(c.cose), data, signWith(-257, c.privateKey, data)),
    ).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
  });
});
