import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBrowser } from '../test/fake-browser.ts';
import { signalAllAcceptedCredentials, signalCurrentUserDetails, signalUnknownCredential } from './signals.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Level 3 signals', () => {
  it('pass the options to the browser and say true', async () => {
    const unknown = vi.fn(async () => undefined);
    const accepted = vi.fn(async () => undefined);
    const details = vi.fn(async () => undefined);
    installFakeBrowser({
      signalUnknownCredential: unknown,
      signalAllAcceptedCredentials: accepted,
      signalCurrentUserDetails: details,
    });
    const a = { rpId: 'example.org', credentialId: 'AQID' };
    const b = { rpId: 'example.org', userId: 'Bw', allAcceptedCredentialIds: ['AQID'] };
    const c = { rpId: 'example.org', userId: 'Bw', name: 'ana', displayName: 'Ana' };
    await expect(signalUnknownCredential(a)).resolves.toBe(true);
    await expect(signalAllAcceptedCredentials(b)).resolves.toBe(true);
    await expect(signalCurrentUserDetails(c)).resolves.toBe(true);
    expect(unknown).toHaveBeenCalledWith(a);
    expect(accepted).toHaveBeenCalledWith(b);
    expect(details).toHaveBeenCalledWith(c);
  });

  it('say false where the browser has no such method', async () => {
    installFakeBrowser();
    await expect(signalUnknownCredential({ rpId: 'example.org', credentialId: 'AQID' })).resolves.toBe(false);
    await expect(
      signalAllAcceptedCredentials({ rpId: 'example.org', userId: 'Bw', allAcceptedCredentialIds: [] }),
    ).resolves.toBe(false);
    await expect(
      signalCurrentUserDetails({ rpId: 'example.org', userId: 'Bw', name: 'a', displayName: 'A' }),
    ).resolves.toBe(false);
  });

  it('map browser errors: SecurityError to ERR_INVALID_RP_ID, TypeError to ERR_BAD_OPTIONS', async () => {
    installFakeBrowser({
      signalUnknownCredential: async () => {
        throw new DOMException('rp mismatch', 'SecurityError');
      },
      signalAllAcceptedCredentials: async () => {
        throw new TypeError('not base64url');
      },
    });
    await expect(signalUnknownCredential({ rpId: 'evil.example', credentialId: 'AQID' })).rejects.toMatchObject({
      code: 'ERR_INVALID_RP_ID',
      message: expect.stringContaining('evil.example'),
    });
    await expect(
      signalAllAcceptedCredentials({ rpId: 'example.org', userId: '!', allAcceptedCredentialIds: [] }),
    ).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
  });

  it('refuse with ERR_UNSUPPORTED without WebAuthn and ERR_NOT_SECURE_CONTEXT on http', async () => {
    await expect(signalUnknownCredential({ rpId: 'example.org', credentialId: 'AQID' })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    installFakeBrowser({ signalUnknownCredential: async () => undefined }, false);
    await expect(signalUnknownCredential({ rpId: 'example.org', credentialId: 'AQID' })).rejects.toMatchObject({
      code: 'ERR_NOT_SECURE_CONTEXT',
    });
  });
});
