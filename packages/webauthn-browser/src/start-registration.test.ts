import { afterEach, describe, expect, it, vi } from 'vitest';
import { domError, fakeAttestation, hang, installFakeBrowser } from '../test/fake-browser.ts';
import { startAuthentication } from './start-authentication.ts';
import { startRegistration } from './start-registration.ts';
import type { PublicKeyCredentialCreationOptionsJSON } from './types.ts';

const options: PublicKeyCredentialCreationOptionsJSON = {
  rp: { id: 'example.org', name: 'Example' },
  user: { id: 'AQID', name: 'ana', displayName: 'Ana' },
  challenge: 'AAECAwQFBgcICQoLDA0ODw',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('startRegistration', () => {
  it("uses the browser's parseCreationOptionsFromJSON and toJSON when present", async () => {
    const parsed = { parsed: true } as unknown as PublicKeyCredentialCreationOptions;
    const parse = vi.fn(() => parsed);
    const fake = installFakeBrowser({ parseCreationOptionsFromJSON: parse });
    const json = { id: 'from-toJSON' };
    fake.create.mockResolvedValue(fakeAttestation({ toJSON: () => json }));
    await expect(startRegistration(options)).resolves.toBe(json);
    expect(parse).toHaveBeenCalledWith(options);
    expect(fake.create.mock.calls[0]?.[0].publicKey).toBe(parsed);
    expect(fake.create.mock.calls[0]?.[0].signal).toBeInstanceOf(AbortSignal);
  });

  it('converts by itself where the browser has no JSON helpers', async () => {
    const fake = installFakeBrowser();
    const response = await startRegistration(options);
    expect(fake.create.mock.calls[0]?.[0].publicKey?.user.id).toEqual(new Uint8Array([1, 2, 3]));
    expect(response).toMatchObject({ id: 'AQID', rawId: 'AQID', type: 'public-key' });
    expect(response.response.transports).toEqual(['usb', 'nfc']);
  });

  it.each([
    ['InvalidStateError', 'ERR_ALREADY_REGISTERED'],
    ['NotAllowedError', 'ERR_CANCELLED'],
    ['SecurityError', 'ERR_INVALID_RP_ID'],
    ['NotSupportedError', 'ERR_ALG_UNSUPPORTED'],
    ['ConstraintError', 'ERR_AUTHENTICATOR'],
    ['TypeError', 'ERR_BAD_OPTIONS'],
  ])('maps %s from create to %s', async (name, code) => {
    const fake = installFakeBrowser();
    fake.create.mockImplementation(name === 'TypeError' ? () => Promise.reject(new TypeError('bad')) : domError(name));
    const error = await startRegistration(options).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WebAuthnBrowserError', code, cause: { name } });
  });

  it('maps errors thrown by parseCreationOptionsFromJSON to ERR_BAD_OPTIONS', async () => {
    installFakeBrowser({
      parseCreationOptionsFromJSON: () => {
        throw new DOMException('bad base64url', 'EncodingError');
      },
    });
    await expect(startRegistration(options)).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
  });

  it('rejects malformed options with ERR_BAD_OPTIONS before asking the authenticator', async () => {
    const fake = installFakeBrowser();
    await expect(startRegistration({ ...options, challenge: '***' })).rejects.toMatchObject({
      code: 'ERR_BAD_OPTIONS',
    });
    await expect(
      startRegistration({ rp: { name: 'x' } } as unknown as PublicKeyCredentialCreationOptionsJSON),
    ).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
    await expect(startRegistration(null as unknown as PublicKeyCredentialCreationOptionsJSON)).rejects.toMatchObject({
      code: 'ERR_BAD_OPTIONS',
    });
    expect(fake.create).not.toHaveBeenCalled();
  });

  it('asks for a conditional create where the browser reports conditionalCreate', async () => {
    const fake = installFakeBrowser({ getClientCapabilities: async () => ({ conditionalCreate: true }) });
    await startRegistration(options, { mediation: 'conditional' });
    expect(fake.create.mock.calls[0]?.[0]).toMatchObject({ mediation: 'conditional' });
    await startRegistration(options);
    expect(fake.create.mock.calls[1]?.[0]).toMatchObject({ mediation: 'optional' });
  });

  it('refuses a conditional create with ERR_UNSUPPORTED where the capability is absent or false', async () => {
    for (const capabilities of [undefined, async () => ({}), async () => ({ conditionalCreate: false })]) {
      const fake = installFakeBrowser(capabilities ? { getClientCapabilities: capabilities } : {});
      await expect(startRegistration(options, { mediation: 'conditional' })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED',
      });
      expect(fake.create).not.toHaveBeenCalled();
      vi.unstubAllGlobals();
    }
  });

  it('gives ERR_UNKNOWN when the browser returns no credential', async () => {
    const fake = installFakeBrowser();
    fake.create.mockResolvedValue(null);
    await expect(startRegistration(options)).rejects.toMatchObject({ code: 'ERR_UNKNOWN' });
  });

  it('gives ERR_UNSUPPORTED without WebAuthn and ERR_NOT_SECURE_CONTEXT on http', async () => {
    await expect(startRegistration(options)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    vi.stubGlobal('navigator', {});
    vi.stubGlobal('PublicKeyCredential', {});
    await expect(startRegistration(options)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    const fake = installFakeBrowser({}, false);
    await expect(startRegistration(options)).rejects.toMatchObject({ code: 'ERR_NOT_SECURE_CONTEXT' });
    expect(fake.create).not.toHaveBeenCalled();
  });
});

describe('one ceremony at a time, and the caller signal', () => {
  it("follows the caller's signal: ERR_ABORTED with the browser's AbortError as cause", async () => {
    const fake = installFakeBrowser();
    fake.create.mockImplementation(hang);
    const controller = new AbortController();
    const pending = startRegistration(options, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_ABORTED', cause: { name: 'AbortError' } });
  });

  it('keeps a custom abort reason as the cause', async () => {
    const fake = installFakeBrowser();
    fake.create.mockImplementation(hang);
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    const pending = startRegistration(options, { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_ABORTED', cause: reason });
  });

  it('never calls the browser for an already-aborted signal', async () => {
    const fake = installFakeBrowser();
    await expect(startRegistration(options, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    expect(fake.create).not.toHaveBeenCalled();
  });

  it('aborts the pending ceremony with ERR_SUPERSEDED when a new one starts; the new one completes', async () => {
    const fake = installFakeBrowser();
    fake.create.mockImplementationOnce(hang);
    const first = startRegistration(options);
    const firstSignal = fake.create.mock.calls[0]?.[0].signal as AbortSignal;
    const second = startAuthentication({ challenge: 'AQID' });
    await expect(first).rejects.toMatchObject({ code: 'ERR_SUPERSEDED', cause: { name: 'AbortError' } });
    expect(firstSignal.aborted).toBe(true);
    await expect(second).resolves.toMatchObject({ id: 'BAUG' });
  });

  it('does not abort anything after a ceremony has settled', async () => {
    const fake = installFakeBrowser();
    await startRegistration(options);
    const settledSignal = fake.create.mock.calls[0]?.[0].signal as AbortSignal;
    await startRegistration(options);
    expect(settledSignal.aborted).toBe(false);
  });

  it('stops listening to the caller signal once settled', async () => {
    installFakeBrowser();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await startRegistration(options, { signal: controller.signal });
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('returns the credential when the browser answered despite a late abort', async () => {
    const fake = installFakeBrowser();
    const controller = new AbortController();
    fake.create.mockImplementation(async () => {
      controller.abort();
      return fakeAttestation();
    });
    await expect(startRegistration(options, { signal: controller.signal })).resolves.toMatchObject({ id: 'AQID' });
  });
});
