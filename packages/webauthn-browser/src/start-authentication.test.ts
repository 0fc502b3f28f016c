import { afterEach, describe, expect, it, vi } from 'vitest';
import { domError, fakeAssertion, installFakeBrowser } from '../test/fake-browser.ts';
import { startAuthentication } from './start-authentication.ts';
import type { PublicKeyCredentialRequestOptionsJSON } from './types.ts';

const options: PublicKeyCredentialRequestOptionsJSON = {
  challenge: 'AAECAwQFBgcICQoLDA0ODw',
  rpId: 'example.org',
  allowCredentials: [{ id: 'BAUG', type: 'public-key' }],
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('startAuthentication', () => {
  it("uses the browser's parseRequestOptionsFromJSON and toJSON when present", async () => {
    const parsed = { parsed: true } as unknown as PublicKeyCredentialRequestOptions;
    const fake = installFakeBrowser({ parseRequestOptionsFromJSON: () => parsed });
    const json = { id: 'from-toJSON' };
    fake.get.mockResolvedValue({ ...fakeAssertion(), toJSON: () => json });
    await expect(startAuthentication(options)).resolves.toBe(json);
    expect(fake.get.mock.calls[0]?.[0]).toMatchObject({ publicKey: parsed, mediation: 'optional' });
  });

  it('converts by itself where the browser has no JSON helpers', async () => {
    const fake = installFakeBrowser();
    const response = await startAuthentication(options);
    expect(fake.get.mock.calls[0]?.[0].publicKey?.allowCredentials?.[0]?.id).toEqual(new Uint8Array([4, 5, 6]));
    expect(response).toEqual({
      id: 'BAUG',
      rawId: 'BAUG',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AQ', signature: 'AgM', userHandle: 'Bw' },
      clientExtensionResults: {},
    });
  });

  it('runs conditional mediation when the browser offers it', async () => {
    const fake = installFakeBrowser({ isConditionalMediationAvailable: async () => true });
    await startAuthentication({ challenge: 'AQID' }, { mediation: 'conditional' });
    expect(fake.get.mock.calls[0]?.[0].mediation).toBe('conditional');
  });

  it('refuses conditional mediation with ERR_UNSUPPORTED when unavailable, unknown or failing', async () => {
    for (const available of [async () => false, undefined, async () => Promise.reject(new Error('x'))]) {
      const fake = installFakeBrowser(available ? { isConditionalMediationAvailable: available } : {});
      await expect(startAuthentication({ challenge: 'AQID' }, { mediation: 'conditional' })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED',
      });
      expect(fake.get).not.toHaveBeenCalled();
      vi.unstubAllGlobals();
    }
  });

  it.each([
    ['NotAllowedError', 'ERR_CANCELLED'],
    ['SecurityError', 'ERR_INVALID_RP_ID'],
    ['NotSupportedError', 'ERR_UNSUPPORTED'],
    ['UnknownError', 'ERR_AUTHENTICATOR'],
    ['InvalidStateError', 'ERR_UNKNOWN'],
  ])('maps %s from get to %s', async (name, code) => {
    const fake = installFakeBrowser();
    fake.get.mockImplementation(domError(name));
    await expect(startAuthentication(options)).rejects.toMatchObject({ code, cause: { name } });
  });

  it('names the RP ID in ERR_INVALID_RP_ID', async () => {
    const fake = installFakeBrowser();
    fake.get.mockImplementation(domError('SecurityError'));
    await expect(startAuthentication({ ...options, rpId: 'other.example' })).rejects.toThrow(/"other\.example"/);
  });

  it('rejects malformed options with ERR_BAD_OPTIONS, also from parseRequestOptionsFromJSON', async () => {
    installFakeBrowser();
    await expect(startAuthentication({ challenge: 'a' })).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
    vi.unstubAllGlobals();
    installFakeBrowser({
      parseRequestOptionsFromJSON: () => {
        throw new TypeError('required member challenge is undefined');
      },
    });
    await expect(startAuthentication({} as PublicKeyCredentialRequestOptionsJSON)).rejects.toMatchObject({
      code: 'ERR_BAD_OPTIONS',
    });
  });

  it('gives ERR_UNKNOWN when the browser returns no credential, ERR_UNSUPPORTED without WebAuthn', async () => {
    const fake = installFakeBrowser();
    fake.get.mockResolvedValue(null);
    await expect(startAuthentication(options)).rejects.toMatchObject({ code: 'ERR_UNKNOWN' });
    vi.unstubAllGlobals();
    await expect(startAuthentication(options)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });
});
