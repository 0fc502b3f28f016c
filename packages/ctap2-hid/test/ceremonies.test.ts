/** Full enrolment and sign-in in Node: driver + virtual key + @keyward/webauthn-server. */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@keyward/webauthn-server';
import { describe, expect, it } from 'vitest';
import { Ctap2Client, createCredential, getCredential, MemoryHidTransport } from '../src/index.ts';
import { delayPresence, VirtualAuthenticator } from '../src/virtual/index.ts';

const origin = 'https://example.com';
const rpID = 'example.com';

async function open() {
  const key = new VirtualAuthenticator();
  return { key, client: await Ctap2Client.open(new MemoryHidTransport(key)) };
}

describe('createCredential / getCredential with @keyward/webauthn-server', () => {
  it('enrols a key with a PIN and signs in with it (user verified, packed attestation)', async () => {
    const { client } = await open();
    await client.clientPin.setPin('246810');
    const regOptions = await generateRegistrationOptions({
      rpName: 'Example',
      rpID,
      userName: 'alice',
      attestationType: 'direct',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    const prompts: string[] = [];
    const registration = await createCredential(client, regOptions, {
      origin,
      pin: '246810',
      onKeepalive: (status) => prompts.push(status),
    });
    expect([-7, -8]).toContain(registration.response.publicKeyAlgorithm);
    expect(registration.response.publicKey).toBeDefined();
    const verified = await verifyRegistrationResponse({
      response: registration,
      expectedChallenge: regOptions.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
    });
    expect(verified.fmt).toBe('packed');
    expect(verified.userVerified).toBe(true);

    const authOptions = await generateAuthenticationOptions({
      rpID,
      allowCredentials: [{ id: verified.credential.id }],
      userVerification: 'required',
    });
    const assertion = await getCredential(client, authOptions, { origin, pin: '246810' });
    const result = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: authOptions.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: verified.credential,
    });
    expect(result.userVerified).toBe(true);
    expect(result.newSignCount).toBeGreaterThan(verified.credential.signCount);
  });

  it('signs in with a discoverable credential (no allow list) and returns the user handle', async () => {
    const { client } = await open();
    const regOptions = await generateRegistrationOptions({
      rpName: 'Example',
      rpID,
      userName: 'bob',
      authenticatorSelection: { residentKey: 'required', userVerification: 'discouraged' },
    });
    const registration = await createCredential(client, regOptions, { origin });
    const verified = await verifyRegistrationResponse({
      response: registration,
      expectedChallenge: regOptions.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });
    expect(verified.fmt).toBe('none');
    const authOptions = await generateAuthenticationOptions({ rpID, userVerification: 'discouraged' });
    const assertion = await getCredential(client, authOptions, { origin });
    expect(assertion.response.userHandle).toBe(regOptions.user.id);
    await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: authOptions.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: verified.credential,
    });
  });

  it('refuses an origin that does not match the RP ID, a non-https origin and bad base64url', async () => {
    const { client } = await open();
    const regOptions = await generateRegistrationOptions({ rpName: 'Example', rpID, userName: 'carol' });
    await expect(createCredential(client, regOptions, { origin: 'https://evil.test' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(createCredential(client, regOptions, { origin: 'http://example.com' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(createCredential(client, regOptions, { origin: 'not a url' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(createCredential(client, { ...regOptions, challenge: '***' }, { origin })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('asks for the PIN when the key needs it (ERR_PIN_REQUIRED) and reports a wrong PIN', async () => {
    const { client } = await open();
    await client.clientPin.setPin('1234');
    const regOptions = await generateRegistrationOptions({
      rpName: 'Example',
      rpID,
      userName: 'dave',
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await expect(createCredential(client, regOptions, { origin })).rejects.toMatchObject({ code: 'ERR_PIN_REQUIRED' });
    await expect(createCredential(client, regOptions, { origin, pin: '9999' })).rejects.toMatchObject({
      code: 'CTAP2_ERR_PIN_INVALID',
    });
    const authOptions = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
    await expect(getCredential(client, authOptions, { origin })).rejects.toMatchObject({ code: 'ERR_PIN_REQUIRED' });
  });

  it('user verification required on a key without a PIN: ERR_UNSUPPORTED', async () => {
    const { client } = await open();
    const authOptions = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
    await expect(getCredential(client, authOptions, { origin })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('the options JSON timeout bounds the wait for a touch (ERR_TIMEOUT), and the key stays usable', async () => {
    const key = new VirtualAuthenticator({ presence: delayPresence(0, 'never') });
    const client = await Ctap2Client.open(new MemoryHidTransport(key));
    const regOptions = await generateRegistrationOptions({ rpName: 'Example', rpID, userName: 'frank', timeout: 300 });
    await expect(createCredential(client, regOptions, { origin })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    expect((await client.getInfo()).versions).toContain('FIDO_2_1');
  });

  it('a key that is already registered is refused (CREDENTIAL_EXCLUDED)', async () => {
    const { client } = await open();
    const regOptions = await generateRegistrationOptions({
      rpName: 'Example',
      rpID,
      userName: 'erin',
      authenticatorSelection: { residentKey: 'discouraged', userVerification: 'discouraged' },
    });
    const first = await createCredential(client, regOptions, { origin });
    const again = await generateRegistrationOptions({
      rpName: 'Example',
      rpID,
      userName: 'erin',
      excludeCredentials: [{ id: first.id }],
      authenticatorSelection: { residentKey: 'discouraged', userVerification: 'discouraged' },
    });
    await expect(createCredential(client, again, { origin })).rejects.toMatchObject({
      code: 'CTAP2_ERR_CREDENTIAL_EXCLUDED',
    });
  });
});
