import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBrowser } from '../test/fake-browser.ts';
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  getClientCapabilities,
  platformAuthenticatorIsAvailable,
} from './support.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

const failing = async (): Promise<never> => {
  throw new DOMException('x', 'NotAllowedError');
};

describe('feature helpers', () => {
  it('say no, without throwing, where there is no WebAuthn', async () => {
    expect(browserSupportsWebAuthn()).toBe(false);
    await expect(platformAuthenticatorIsAvailable()).resolves.toBe(false);
    await expect(browserSupportsWebAuthnAutofill()).resolves.toBe(false);
    await expect(getClientCapabilities()).resolves.toBeUndefined();
    vi.stubGlobal('PublicKeyCredential', {});
    vi.stubGlobal('navigator', { credentials: {} });
    expect(browserSupportsWebAuthn()).toBe(false);
  });

  it('report what the browser reports', async () => {
    const capabilities = { conditionalGet: true, 'extension:prf': false };
    installFakeBrowser({
      isUserVerifyingPlatformAuthenticatorAvailable: async () => true,
      isConditionalMediationAvailable: async () => true,
      getClientCapabilities: async () => capabilities,
    });
    expect(browserSupportsWebAuthn()).toBe(true);
    await expect(platformAuthenticatorIsAvailable()).resolves.toBe(true);
    await expect(browserSupportsWebAuthnAutofill()).resolves.toBe(true);
    await expect(getClientCapabilities()).resolves.toBe(capabilities);
  });

  it('say no where the browser lacks the method or it fails', async () => {
    installFakeBrowser();
    await expect(platformAuthenticatorIsAvailable()).resolves.toBe(false);
    await expect(browserSupportsWebAuthnAutofill()).resolves.toBe(false);
    await expect(getClientCapabilities()).resolves.toBeUndefined();
    vi.unstubAllGlobals();
    installFakeBrowser({
      isUserVerifyingPlatformAuthenticatorAvailable: failing,
      isConditionalMediationAvailable: failing,
      getClientCapabilities: failing,
    });
    await expect(platformAuthenticatorIsAvailable()).resolves.toBe(false);
    await expect(browserSupportsWebAuthnAutofill()).resolves.toBe(false);
    await expect(getClientCapabilities()).resolves.toBeUndefined();
  });
});
