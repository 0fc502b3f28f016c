/**
 * Round trips: the attestations the virtual authenticator produces (packed with its batch
 * certificate, packed self, none, fido-u2f over CTAP1) verify with @keyward/webauthn-server, and
 * its assertions verify too.
 */

import { bytesToBase64url, concatBytes, encodeCbor, randomBytes, utf8ToBytes } from '@keyward/internal';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '@keyward/webauthn-server';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CTAPHID_CMD } from '../src/ctap2/constants.ts';
import {
  generateAttestationCa,
  VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from '../src/virtual/virtual-authenticator.ts';
import { gaParams, mcParams, parseAuthData, rpHash, TestHost } from './virtual-host.ts';

const ORIGIN = 'https://example.com';
const RP_ID = 'example.com';
const devices: VirtualAuthenticator[] = [];
async function setup(options: VirtualAuthenticatorOptions = {}): Promise<{ host: TestHost; cid: number }> {
  const device = new VirtualAuthenticator(options);
  devices.push(device);
  const host = new TestHost(device);
  return { host, cid: await host.init() };
}
afterEach(() => {
  for (const d of devices.splice(0)) d.close();
});

function clientData(
  type: 'webauthn.create' | 'webauthn.get',
  challenge: string,
): { json: Uint8Array; hash: Uint8Array } {
  const json = utf8ToBytes(JSON.stringify({ type, challenge, origin: ORIGIN, crossOrigin: false }));
  return { json, hash: sha256(json) };
}

function registrationJSON(credentialId: Uint8Array, clientDataJSON: Uint8Array, attestationObject: Uint8Array) {
  const id = bytesToBase64url(credentialId);
  return {
    id,
    rawId: id,
    type: 'public-key' as const,
    response: {
      clientDataJSON: bytesToBase64url(clientDataJSON),
      attestationObject: bytesToBase64url(attestationObject),
      transports: ['usb' as const],
    },
    clientExtensionResults: {},
  };
}

async function register(host: TestHost, cid: number, extra: Partial<Parameters<typeof mcParams>[0]> = {}) {
  const challenge = bytesToBase64url(randomBytes(32));
  const cd = clientData('webauthn.create', challenge);
  const mc = await host.cbor(cid, 0x01, mcParams({ rpId: RP_ID, clientDataHash: cd.hash, ...extra }));
  expect(mc.status).toBe(0);
  const authData = mc.body.get(2) as Uint8Array;
  const attestationObject = encodeCbor(
    new Map<string, unknown>([
      ['fmt', mc.body.get(1)],
      ['attStmt', mc.body.get(3)],
      ['authData', authData],
    ]),
  );
  const credentialId = parseAuthData(authData).credentialId as Uint8Array;
  return { challenge, response: registrationJSON(credentialId, cd.json, attestationObject), credentialId };
}

describe('attestation round trips with @keyward/webauthn-server', () => {
  it('packed (batch certificate) verifies and chains to the authenticator root CA', async () => {
    const { host, cid } = await setup({ aaguid: '11111111-2222-3333-4444-555555555555' });
    const { challenge, response } = await register(host, cid);
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      attestation: { trustAnchors: [host.device.attestationRootCertificate] },
    });
    expect(verified.fmt).toBe('packed');
    expect(verified.attestationType).toBe('basic');
    expect(verified.attestationTrusted).toBe(true);
    expect(verified.aaguid).toBe('11111111-2222-3333-4444-555555555555');
    expect(verified.trustPath.length).toBe(1);
  });

  it('packed from another root is rejected once trust anchors are configured', async () => {
    const { host, cid } = await setup();
    const { challenge, response } = await register(host, cid);
    const stranger = generateAttestationCa({ commonName: 'Someone else' });
    await expect(
      verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        attestation: { trustAnchors: [stranger.certificate] },
      }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION_UNTRUSTED' });
  });

  it('a shared attestation CA certifies several authenticators', async () => {
    const ca = generateAttestationCa();
    for (const _ of [1, 2]) {
      const { host, cid } = await setup({ attestationCa: ca });
      const { challenge, response } = await register(host, cid, { algs: [-8] });
      const verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        attestation: { trustAnchors: [ca.certificate] },
      });
      expect(verified.attestationTrusted).toBe(true);
    }
  });

  it('packed self attestation and none verify', async () => {
    for (const [mode, fmt, type] of [
      ['self', 'packed', 'self'],
      ['none', 'none', 'none'],
    ] as const) {
      const { host, cid } = await setup({ attestation: mode });
      const { challenge, response } = await register(host, cid);
      const verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
      });
      expect([verified.fmt, verified.attestationType]).toEqual([fmt, type]);
    }
  });

  it('an assertion verifies with the registered public key and a growing counter', async () => {
    const { host, cid } = await setup();
    const { challenge, response, credentialId } = await register(host, cid, { algs: [-8, -7] });
    const registered = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
    });
    const getChallenge = bytesToBase64url(randomBytes(32));
    const cd = clientData('webauthn.get', getChallenge);
    const ga = await host.cbor(cid, 0x02, gaParams({ rpId: RP_ID, clientDataHash: cd.hash, allow: [credentialId] }));
    const verified = await verifyAuthenticationResponse({
      response: {
        id: response.id,
        rawId: response.id,
        type: 'public-key',
        response: {
          clientDataJSON: bytesToBase64url(cd.json),
          authenticatorData: bytesToBase64url(ga.body.get(2) as Uint8Array),
          signature: bytesToBase64url(ga.body.get(3) as Uint8Array),
        },
        clientExtensionResults: {},
      },
      expectedChallenge: getChallenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: registered.credential,
    });
    expect(verified.newSignCount).toBeGreaterThan(registered.credential.signCount);
  });

  it('fido-u2f built from a CTAP1 U2F_REGISTER verifies', async () => {
    const { host, cid } = await setup();
    const challenge = bytesToBase64url(randomBytes(32));
    const cd = clientData('webauthn.create', challenge);
    const appId = rpHash(RP_ID);
    const apdu = concatBytes(new Uint8Array([0, 1, 3, 0, 0, 0, 64]), cd.hash, appId, new Uint8Array([0, 0]));
    const answer = await host.transact(cid, CTAPHID_CMD.MSG, apdu);
    const r = answer.payload;
    expect([r[r.length - 2], r[r.length - 1]]).toEqual([0x90, 0x00]);
    expect(r[0]).toBe(0x05);
    const publicKey = r.slice(1, 66);
    const khLength = r[66] as number;
    const keyHandle = r.slice(67, 67 + khLength);
    const certStart = 67 + khLength;
    // DER SEQUENCE with a two-byte long-form length.
    expect(r[certStart]).toBe(0x30);
    expect(r[certStart + 1]).toBe(0x82);
    const certLength = 4 + (((r[certStart + 2] as number) << 8) | (r[certStart + 3] as number));
    const cert = r.slice(certStart, certStart + certLength);
    const sig = r.slice(certStart + certLength, r.length - 2);
    // WebAuthn §8.6: the authenticatorData a platform builds for a U2F authenticator.
    const cose = encodeCbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, publicKey.slice(1, 33)],
        [-3, publicKey.slice(33, 65)],
      ]),
    );
    const authData = concatBytes(
      appId,
      new Uint8Array([0x41, 0, 0, 0, 0]),
      new Uint8Array(16),
      new Uint8Array([0, khLength]),
      keyHandle,
      cose,
    );
    const attestationObject = encodeCbor(
      new Map<string, unknown>([
        ['fmt', 'fido-u2f'],
        [
          'attStmt',
          new Map<string, unknown>([
            ['sig', sig],
            ['x5c', [cert]],
          ]),
        ],
        ['authData', authData],
      ]),
    );
    const verified = await verifyRegistrationResponse({
      response: registrationJSON(keyHandle, cd.json, attestationObject),
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      attestation: { trustAnchors: [host.device.attestationRootCertificate] },
    });
    expect(verified.fmt).toBe('fido-u2f');
    expect(verified.attestationTrusted).toBe(true);
  });
});
