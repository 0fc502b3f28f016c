/** verifyAuthenticationResponse: accepted assertions and every rejection code. */
import { bytesToBase64url, encodeCbor } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { type VerifyAuthenticationResponseOptions, verifyAuthenticationResponse } from '../src/index.ts';
import {
  type AuthenticationBuild,
  buildAuthentication,
  type Credential,
  FLAGS,
  newCredential,
  ORIGIN,
  RP_ID,
} from './helpers/authenticator.ts';

const es256 = newCredential(-7);

async function verify(
  b: Partial<AuthenticationBuild> = {},
  options: Partial<VerifyAuthenticationResponseOptions> = {},
  stored?: Partial<{ signCount: number; cred: Credential }>,
) {
  const credential = stored?.cred ?? b.credential ?? es256;
  const { response, challenge } = buildAuthentication({ credential, ...b });
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential: {
      id: bytesToBase64url(credential.id),
      publicKey: credential.cose.slice(),
      signCount: stored?.signCount ?? 5,
    },
    ...options,
  });
}

describe('accepted assertions', { timeout: 60_000 }, () => {
  for (const alg of [-7, -35, -36, -8, -257, -37, -258, -38, -65535] as const) {
    it(`COSE alg ${alg}`, async () => {
      const credential = newCredential(alg);
      await expect(verify({ credential })).resolves.toMatchObject({
        newSignCount: 10,
        userVerified: true,
        cloneWarning: false,
      });
    });
  }

  it('high-S and low-S ECDSA signatures alike (both valid)', async () => {
    // node:crypto produces either form at random; 16 signatures cover both with overwhelming probability.
    for (let i = 0; i < 16; i++) await expect(verify({ signCount: 100 + i })).resolves.toBeDefined();
  });

  it('reports flags, rpID, origin, user handle and extension outputs', async () => {
    const r = await verify({
      flags: FLAGS.UP | FLAGS.BE | FLAGS.BS | FLAGS.ED,
      userHandle: 'dXNlcg',
      extensions: new Map<unknown, unknown>([['hmac-secret', true]]),
    });
    expect(r).toMatchObject({
      userVerified: false,
      userPresent: true,
      backupEligible: true,
      backedUp: true,
      rpID: RP_ID,
      origin: ORIGIN,
      userHandle: 'dXNlcg',
    });
    expect(r.authenticatorExtensions?.get('hmac-secret')).toBe(true);
  });

  it('reports a BE change against the stored flag, never rejects it', async () => {
    const credential = { id: bytesToBase64url(es256.id), publicKey: es256.cose, signCount: 0 };
    const { response, challenge } = buildAuthentication({ credential: es256, flags: FLAGS.UP | FLAGS.BE });
    const base = { response, expectedChallenge: challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID };
    await expect(
      verifyAuthenticationResponse({ ...base, credential: { ...credential, backupEligible: false } }),
    ).resolves.toMatchObject({
      backupEligibilityChanged: true,
    });
    await expect(
      verifyAuthenticationResponse({ ...base, credential: { ...credential, backupEligible: true } }),
    ).resolves.toMatchObject({
      backupEligibilityChanged: false,
    });
    await expect(verifyAuthenticationResponse({ ...base, credential })).resolves.toMatchObject({
      backupEligibilityChanged: false,
    });
  });

  it('signCount 0 stored and 0 returned is not a replay', async () => {
    await expect(verify({ signCount: 0 }, {}, { signCount: 0 })).resolves.toMatchObject({ newSignCount: 0 });
  });

  it('signCountPolicy "report" returns cloneWarning instead of throwing', async () => {
    const r = await verify({ signCount: 5 }, { signCountPolicy: 'report' }, { signCount: 5 });
    expect(r).toMatchObject({ cloneWarning: true, newSignCount: 5 });
  });

  it('the appid extension: rpIdHash may be SHA-256 of the AppID when the client reports appid: true', async () => {
    const appid = 'https://example.com/appid.json';
    const b = { rpId: appid, clientExtensionResults: { appid: true } };
    await expect(verify(b, { expectedAppId: appid })).resolves.toMatchObject({ rpID: appid });
    await expect(verify({ rpId: appid }, { expectedAppId: appid })).rejects.toMatchObject({
      code: 'ERR_RPID_MISMATCH',
    });
    await expect(verify(b)).rejects.toMatchObject({ code: 'ERR_RPID_MISMATCH' });
  });

  it('expectedUserHandle matches by value, and an absent handle is fine', async () => {
    await expect(verify({ userHandle: 'dXNlcg' }, { expectedUserHandle: 'dXNlcg' })).resolves.toBeDefined();
    await expect(verify({ userHandle: null }, { expectedUserHandle: 'dXNlcg' })).resolves.toBeDefined();
  });
});

describe('rejected assertions', { timeout: 60_000 }, () => {
  it('ERR_TYPE_MISMATCH', async () => {
    await expect(verify({ clientData: { type: 'webauthn.create' } })).rejects.toMatchObject({
      code: 'ERR_TYPE_MISMATCH',
    });
  });
  it('ERR_CHALLENGE_MISMATCH', async () => {
    await expect(verify({}, { expectedChallenge: 'b3RoZXI' })).rejects.toMatchObject({
      code: 'ERR_CHALLENGE_MISMATCH',
    });
  });
  it('ERR_ORIGIN_MISMATCH', async () => {
    await expect(verify({ clientData: { origin: 'https://evil.example' } })).rejects.toMatchObject({
      code: 'ERR_ORIGIN_MISMATCH',
    });
  });
  it('ERR_CROSS_ORIGIN', async () => {
    await expect(verify({ clientData: { crossOrigin: true } })).rejects.toMatchObject({ code: 'ERR_CROSS_ORIGIN' });
  });
  it('ERR_RPID_MISMATCH', async () => {
    await expect(verify({ rpId: 'evil.example' })).rejects.toMatchObject({ code: 'ERR_RPID_MISMATCH' });
  });
  it('ERR_USER_NOT_PRESENT and ERR_USER_NOT_VERIFIED', async () => {
    await expect(verify({ flags: FLAGS.UV })).rejects.toMatchObject({ code: 'ERR_USER_NOT_PRESENT' });
    await expect(verify({ flags: FLAGS.UP }, { requireUserVerification: true })).rejects.toMatchObject({
      code: 'ERR_USER_NOT_VERIFIED',
    });
  });
  it('ERR_BACKUP_FLAGS', async () => {
    await expect(verify({ flags: FLAGS.UP | FLAGS.BS })).rejects.toMatchObject({ code: 'ERR_BACKUP_FLAGS' });
  });
  it('ERR_CREDENTIAL_MISMATCH when the response names another credential', async () => {
    await expect(verify({ id: 'AAAA' })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_MISMATCH' });
  });
  it('ERR_USER_HANDLE_MISMATCH', async () => {
    await expect(verify({ userHandle: 'b3RoZXI' }, { expectedUserHandle: 'dXNlcg' })).rejects.toMatchObject({
      code: 'ERR_USER_HANDLE_MISMATCH',
    });
  });
  it('ERR_BAD_SIGNATURE for a tampered signature, another key, or a malformed DER signature', async () => {
    await expect(verify({ tamper: true })).rejects.toMatchObject({ code: 'ERR_BAD_SIGNATURE' });
    await expect(
      verify({ credential: { ...newCredential(-7), id: es256.id } }, {}, { cred: es256 }),
    ).rejects.toMatchObject({ code: 'ERR_BAD_SIGNATURE' });
    const { response, challenge } = buildAuthentication({ credential: es256 });
    response.response.signature = 'MAYCAQECAQE'; // SEQUENCE { 1, 1 }: well-formed, wrong
    await expect(
      verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential: { id: response.id, publicKey: es256.cose, signCount: 0 },
      }),
    ).rejects.toMatchObject({ code: 'ERR_BAD_SIGNATURE' });
  });
  it('ERR_SIGN_COUNT when the counter does not increase', async () => {
    await expect(verify({ signCount: 5 }, {}, { signCount: 5 })).rejects.toMatchObject({ code: 'ERR_SIGN_COUNT' });
    await expect(verify({ signCount: 0 }, {}, { signCount: 5 })).rejects.toMatchObject({ code: 'ERR_SIGN_COUNT' });
  });
  it('ERR_MALFORMED for trailing authData bytes, attested data in an assertion without its bytes, or bad JSON', async () => {
    await expect(verify({ trailing: Uint8Array.of(1) })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verify({ flags: FLAGS.UP | FLAGS.AT })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verify({ clientData: { raw: '{"type":' } })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verify({ clientData: { raw: '[]' } })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(
      verify({ clientData: { raw: '{"type":"webauthn.get","challenge":1,"origin":"x"}' } }),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verify({ extensions: new Map(), flags: FLAGS.UP, trailing: encodeCbor(1) })).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
  it('ERR_BAD_OPTIONS for an invalid stored credential or policy', async () => {
    const bad: Partial<VerifyAuthenticationResponseOptions>[] = [
      { credential: { id: bytesToBase64url(es256.id), publicKey: new Uint8Array([1, 2]), signCount: 0 } },
      { credential: { id: bytesToBase64url(es256.id), publicKey: es256.cose, signCount: -1 } },
      { credential: null as never },
      { signCountPolicy: 'ignore' as never },
      { expectedRPID: [] },
    ];
    for (const patch of bad) await expect(verify({}, patch)).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
  });
  it('ERR_UNSUPPORTED_ALG for a stored key of an unknown algorithm', async () => {
    const cose = encodeCbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -999],
        [-1, 1],
        [-2, new Uint8Array(32)],
        [-3, new Uint8Array(32)],
      ]),
    );
    await expect(
      verify({}, { credential: { id: bytesToBase64url(es256.id), publicKey: cose, signCount: 0 } }),
    ).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALG',
    });
  });
});
