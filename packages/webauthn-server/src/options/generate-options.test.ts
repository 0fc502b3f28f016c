import { base64urlToBytes } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { generateAuthenticationOptions, generateRegistrationOptions } from './generate-options.ts';

describe('generateRegistrationOptions', () => {
  it('builds the W3C JSON with a 32-byte CSPRNG challenge and a random user handle', async () => {
    const a = await generateRegistrationOptions({
      rpName: 'Example',
      rpID: 'example.com',
      userName: 'alice@example.com',
    });
    const b = await generateRegistrationOptions({
      rpName: 'Example',
      rpID: 'example.com',
      userName: 'alice@example.com',
    });
    expect(base64urlToBytes(a.challenge)?.length).toBe(32);
    expect(a.challenge).not.toBe(b.challenge);
    expect(base64urlToBytes(a.user.id)?.length).toBe(32);
    expect(a.user.id).not.toBe(b.user.id);
    expect(a.user.id).not.toContain('alice');
    expect(a).toMatchObject({
      rp: { name: 'Example', id: 'example.com' },
      user: { name: 'alice@example.com', displayName: '' },
      timeout: 300000,
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred', requireResidentKey: false },
      extensions: { credProps: true },
    });
    expect(a.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -35, -36, -257, -258, -259, -37]);
  });

  it('passes through every option', async () => {
    const o = await generateRegistrationOptions({
      rpName: 'Example',
      rpID: 'example.com',
      userName: 'bob',
      userDisplayName: 'Bob',
      userID: new Uint8Array([1, 2, 3]),
      challenge: new Uint8Array(16).fill(7),
      timeout: 60000,
      attestationType: 'direct',
      excludeCredentials: [{ id: 'AQID', transports: ['usb', 'nfc'] }],
      authenticatorSelection: {
        residentKey: 'required',
        userVerification: 'required',
        authenticatorAttachment: 'cross-platform',
      },
      supportedAlgorithms: [-7],
      hints: ['security-key'],
      extensions: { minPinLength: true },
    });
    expect(o).toMatchObject({
      user: { id: 'AQID', displayName: 'Bob' },
      challenge: 'BwcHBwcHBwcHBwcHBwcHBw',
      timeout: 60000,
      attestation: 'direct',
      excludeCredentials: [{ id: 'AQID', type: 'public-key', transports: ['usb', 'nfc'] }],
      authenticatorSelection: {
        residentKey: 'required',
        requireResidentKey: true,
        authenticatorAttachment: 'cross-platform',
      },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      hints: ['security-key'],
      extensions: { minPinLength: true, credProps: true },
    });
  });

  it('refuses invalid input with ERR_BAD_OPTIONS', async () => {
    const base = { rpName: 'Example', rpID: 'example.com', userName: 'alice' };
    const bad = [
      { rpName: '' },
      { rpID: 3 },
      { userName: undefined },
      { userID: new Uint8Array(65) },
      { userID: new Uint8Array(0) },
      { challenge: new Uint8Array(8) },
      { timeout: -1 },
      { attestationType: 'always' },
      { excludeCredentials: [{ id: '***' }] },
      { excludeCredentials: [{ id: 'AQID', transports: ['carrier-pigeon'] }] },
      { authenticatorSelection: { residentKey: 'maybe' } },
      { authenticatorSelection: { authenticatorAttachment: 'usb' } },
      { supportedAlgorithms: [] },
      { hints: ['phone'] },
      { extensions: [] },
      { userDisplayName: 5 },
    ];
    for (const patch of bad)
      await expect(generateRegistrationOptions({ ...base, ...patch } as never)).rejects.toMatchObject({
        code: 'ERR_BAD_OPTIONS',
      });
  });
});

describe('generateAuthenticationOptions', () => {
  it('builds discoverable-credential options by default', async () => {
    const o = await generateAuthenticationOptions({ rpID: 'example.com' });
    expect(base64urlToBytes(o.challenge)?.length).toBe(32);
    expect(o).toMatchObject({
      rpId: 'example.com',
      allowCredentials: [],
      userVerification: 'preferred',
      timeout: 300000,
    });
    expect(o.extensions).toBeUndefined();
  });
  it('adds allowCredentials with transports, hints and the appid extension', async () => {
    const o = await generateAuthenticationOptions({
      rpID: 'example.com',
      allowCredentials: [{ id: 'AQID', transports: ['internal', 'hybrid'] }],
      userVerification: 'required',
      hints: ['client-device'],
      appid: 'https://example.com/appid.json',
    });
    expect(o).toMatchObject({
      allowCredentials: [{ id: 'AQID', type: 'public-key', transports: ['internal', 'hybrid'] }],
      userVerification: 'required',
      hints: ['client-device'],
      extensions: { appid: 'https://example.com/appid.json' },
    });
  });
  it('refuses invalid input with ERR_BAD_OPTIONS', async () => {
    for (const patch of [
      { rpID: '' },
      { userVerification: 'always' },
      { allowCredentials: 'x' },
      { appid: '' },
      { timeout: 1.5 },
    ])
      await expect(generateAuthenticationOptions({ rpID: 'example.com', ...patch } as never)).rejects.toMatchObject({
        code: 'ERR_BAD_OPTIONS',
      });
    await expect(generateAuthenticationOptions(undefined as never)).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
  });
});
