/** verifyRegistrationResponse: every accepted shape and every rejection code. */
import { bytesToBase64url, encodeCbor } from '@keyward/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type MetadataLookup,
  type VerifyRegistrationResponseOptions,
  verifyRegistrationResponse,
} from '../src/index.ts';
import {
  buildRegistration,
  type Credential,
  FLAGS,
  newCredential,
  ORIGIN,
  type RegistrationBuild,
  RP_ID,
  TEST_AAGUID,
} from './helpers/authenticator.ts';
import { BATCH_NAME, certificate, ecKey, extension, ROOT_NAME, seq, type TestKey, tlv } from './helpers/pki.ts';

let root: TestKey;
let batch: TestKey;
let rootCert: Uint8Array;
let batchCert: Uint8Array;
let otherRootCert: Uint8Array;

beforeAll(() => {
  root = ecKey();
  batch = ecKey();
  rootCert = certificate({ subject: ROOT_NAME, subjectKey: root, issuerKey: root, ca: true, keyUsage: [5, 6] });
  batchCert = certificate({ subject: BATCH_NAME, issuer: ROOT_NAME, subjectKey: batch, issuerKey: root });
  const other = ecKey();
  otherRootCert = certificate({ subject: [['2.5.4.3', 'Other Root']], subjectKey: other, issuerKey: other, ca: true });
});

async function verify(b: RegistrationBuild = {}, options: Partial<VerifyRegistrationResponseOptions> = {}) {
  const { response, challenge } = buildRegistration(b);
  return verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    ...options,
  });
}

const x5c = (extra: Partial<RegistrationBuild> = {}): RegistrationBuild => ({
  fmt: 'packed-x5c',
  attestationKey: batch.privateKey,
  x5c: [batchCert],
  ...extra,
});

describe('accepted registrations', { timeout: 60_000 }, () => {
  it('none: returns the credential, flags, AAGUID and untrusted none attestation', async () => {
    const credential = newCredential(-7);
    const r = await verify({ credential, flags: FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS | FLAGS.AT, signCount: 5 });
    expect(r).toMatchObject({
      fmt: 'none',
      attestationType: 'none',
      attestationTrusted: false,
      trustPath: [],
      userVerified: true,
      userPresent: true,
      backupEligible: true,
      backedUp: true,
      rpID: RP_ID,
      origin: ORIGIN,
      credentialAlg: -7,
      aaguid: 'a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf',
    });
    expect(r.credential).toEqual({
      id: bytesToBase64url(credential.id),
      publicKey: credential.cose,
      signCount: 5,
      transports: ['usb', 'nfc'],
    });
  });

  for (const alg of [-7, -35, -36, -8, -257, -37] as const) {
    it(`packed self attestation with COSE alg ${alg}`, async () => {
      const r = await verify({ credential: newCredential(alg), fmt: 'packed-self' });
      expect(r).toMatchObject({
        fmt: 'packed',
        attestationType: 'self',
        credentialAlg: alg,
        attestationTrusted: false,
      });
    });
  }

  it('RS1 and PS384 only when listed in supportedAlgorithms', async () => {
    for (const alg of [-65535, -38] as const) {
      const credential = newCredential(alg);
      await expect(verify({ credential, fmt: 'packed-self' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
      await expect(verify({ credential, fmt: 'packed-self' }, { supportedAlgorithms: [alg] })).resolves.toMatchObject({
        credentialAlg: alg,
      });
    }
  });

  it('packed x5c: basic, untrusted without anchors, trusted with the root (DER or PEM)', async () => {
    const untrusted = await verify(x5c());
    expect(untrusted).toMatchObject({ attestationType: 'basic', attestationTrusted: false, trustPath: [batchCert] });
    const der = await verify(x5c(), { attestation: { trustAnchors: [rootCert] } });
    expect(der.attestationTrusted).toBe(true);
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(rootCert).toString('base64')}\n-----END CERTIFICATE-----`;
    const fromPem = await verify(x5c(), { attestation: { trustAnchors: [pem] } });
    expect(fromPem.attestationTrusted).toBe(true);
    // The same chain again hits the chain cache and gives the same verdict.
    expect((await verify(x5c(), { attestation: { trustAnchors: [rootCert] } })).attestationTrusted).toBe(true);
  });

  it('packed x5c with the AAGUID extension matching authData', async () => {
    const ext = extension('1.3.6.1.4.1.45724.1.1.4', tlv(0x04, TEST_AAGUID));
    const cert = certificate({
      subject: BATCH_NAME,
      issuer: ROOT_NAME,
      subjectKey: batch,
      issuerKey: root,
      extraExtensions: [ext],
      serial: 9,
    });
    await expect(verify(x5c({ x5c: [cert] }))).resolves.toMatchObject({ attestationType: 'basic' });
  });

  it('fido-u2f with a P-256 attestation certificate', async () => {
    const r = await verify({ fmt: 'fido-u2f', attestationKey: batch.privateKey, x5c: [batchCert] });
    expect(r).toMatchObject({
      fmt: 'fido-u2f',
      attestationType: 'basic',
      aaguid: '00000000-0000-0000-0000-000000000000',
    });
  });

  it('lists of origins and RP IDs, android:apk-key-hash origins', async () => {
    const apk = 'android:apk-key-hash:abc123';
    const r = await verify(
      { rpId: 'login.example.com', clientData: { origin: apk } },
      { expectedOrigin: [ORIGIN, apk], expectedRPID: [RP_ID, 'login.example.com'] },
    );
    expect(r).toMatchObject({ origin: apk, rpID: 'login.example.com' });
  });

  it('a challenge predicate, sync or async', async () => {
    const { response, challenge } = buildRegistration();
    const base = { response, expectedOrigin: ORIGIN, expectedRPID: RP_ID };
    await expect(
      verifyRegistrationResponse({ ...base, expectedChallenge: (c) => c === challenge }),
    ).resolves.toBeDefined();
    await expect(
      verifyRegistrationResponse({ ...base, expectedChallenge: async (c) => c === challenge }),
    ).resolves.toBeDefined();
  });

  it('a conditional registration (UP=0) when requireUserPresence is false', async () => {
    const b = { flags: FLAGS.AT };
    await expect(verify(b)).rejects.toMatchObject({ code: 'ERR_USER_NOT_PRESENT' });
    await expect(verify(b, { requireUserPresence: false })).resolves.toMatchObject({ userPresent: false });
  });

  it('authenticator extension outputs are decoded', async () => {
    const r = await verify({ extensions: new Map<unknown, unknown>([['credProtect', 2]]) });
    expect(r.authenticatorExtensions?.get('credProtect')).toBe(2);
  });

  it('the 1023-byte credential ID limit', async () => {
    await expect(verify({ credential: newCredential(-7, 1023) })).resolves.toBeDefined();
    await expect(verify({ credential: newCredential(-7, 1024) })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
});

describe('rejected registrations', { timeout: 60_000 }, () => {
  it('ERR_TYPE_MISMATCH for webauthn.get client data', async () => {
    await expect(verify({ clientData: { type: 'webauthn.get' } })).rejects.toMatchObject({ code: 'ERR_TYPE_MISMATCH' });
  });
  it('ERR_CHALLENGE_MISMATCH for another challenge, or a predicate that refuses or throws', async () => {
    const { response } = buildRegistration();
    const base = { response, expectedOrigin: ORIGIN, expectedRPID: RP_ID };
    await expect(verifyRegistrationResponse({ ...base, expectedChallenge: 'b3RoZXI' })).rejects.toMatchObject({
      code: 'ERR_CHALLENGE_MISMATCH',
    });
    await expect(verifyRegistrationResponse({ ...base, expectedChallenge: () => false })).rejects.toMatchObject({
      code: 'ERR_CHALLENGE_MISMATCH',
    });
    await expect(
      verifyRegistrationResponse({
        ...base,
        expectedChallenge: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toMatchObject({ code: 'ERR_CHALLENGE_MISMATCH' });
  });
  it('ERR_ORIGIN_MISMATCH', async () => {
    await expect(verify({ clientData: { origin: 'https://evil.example' } })).rejects.toMatchObject({
      code: 'ERR_ORIGIN_MISMATCH',
    });
  });
  it('ERR_CROSS_ORIGIN for crossOrigin: true or a topOrigin, unless allowed', async () => {
    await expect(verify({ clientData: { crossOrigin: true } })).rejects.toMatchObject({ code: 'ERR_CROSS_ORIGIN' });
    await expect(verify({ clientData: { crossOrigin: true, topOrigin: 'https://top.example' } })).rejects.toMatchObject(
      { code: 'ERR_CROSS_ORIGIN' },
    );
    await expect(verify({ clientData: { crossOrigin: true } }, { allowCrossOrigin: true })).resolves.toBeDefined();
    await expect(
      verify(
        { clientData: { crossOrigin: true, topOrigin: 'https://top.example' } },
        { allowCrossOrigin: true, expectedTopOrigin: 'https://other.example' },
      ),
    ).rejects.toMatchObject({ code: 'ERR_CROSS_ORIGIN' });
  });
  it('ERR_RPID_MISMATCH', async () => {
    await expect(verify({ rpId: 'evil.example' })).rejects.toMatchObject({ code: 'ERR_RPID_MISMATCH' });
  });
  it('ERR_USER_NOT_VERIFIED when UV is required', async () => {
    await expect(verify({ flags: FLAGS.UP | FLAGS.AT }, { requireUserVerification: true })).rejects.toMatchObject({
      code: 'ERR_USER_NOT_VERIFIED',
    });
  });
  it('ERR_BACKUP_FLAGS for BS without BE', async () => {
    await expect(verify({ flags: FLAGS.UP | FLAGS.AT | FLAGS.BS })).rejects.toMatchObject({ code: 'ERR_BACKUP_FLAGS' });
  });
  it('ERR_CREDENTIAL_MISMATCH when response.id is not the authData credential ID', async () => {
    await expect(verify({ id: 'AAAA' })).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_MISMATCH' });
  });
  it('ERR_MALFORMED without attested credential data, with trailing bytes, or with extension bytes but no ED flag', async () => {
    await expect(verify({ flags: FLAGS.UP })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verify({ trailing: Uint8Array.of(0) })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verify({ trailing: encodeCbor(new Map([['x', 1]])) })).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
  it('ERR_MALFORMED for a response of the wrong shape', async () => {
    const { response, challenge } = buildRegistration();
    const base = { expectedChallenge: challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID };
    for (const bad of [
      null,
      'x',
      { ...response, type: 'other' },
      { ...response, rawId: 'AAAA' },
      { ...response, response: { clientDataJSON: 1 } },
    ]) {
      await expect(verifyRegistrationResponse({ ...base, response: bad as never })).rejects.toMatchObject({
        code: 'ERR_MALFORMED',
      });
    }
  });
  it('ERR_UNSUPPORTED_ALG for an algorithm outside the list, and for a curve that does not match the alg', async () => {
    await expect(verify({ credential: newCredential(-35) }, { supportedAlgorithms: [-7] })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALG',
    });
    const p384: Credential = newCredential(-35);
    const mislabelled = {
      ...p384,
      cose: encodeCbor(
        new Map<number, unknown>(
          [...(decodeMap(p384.cose) as Map<number, unknown>)].map(([k, v]) => [k, k === 3 ? -7 : v]),
        ),
      ),
    };
    await expect(verify({ credential: mislabelled })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
  });
  it('ERR_MALFORMED for an EC point that is not on the curve', async () => {
    const c = newCredential(-7);
    const map = decodeMap(c.cose) as Map<number, Uint8Array>;
    const y = (map.get(-3) as Uint8Array).slice();
    y[31] = (y[31] as number) ^ 1;
    map.set(-3, y);
    await expect(verify({ credential: { ...c, cose: encodeCbor(map) } })).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
  it('ERR_ATTESTATION for an unknown format or a none statement that is not empty', async () => {
    await expect(verify({ fmt: 'not-a-format' })).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verify({ attStmt: () => new Map([['x', 1]]) })).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('ERR_ATTESTATION for packed statements that do not verify', async () => {
    // Self: alg differs from the credential's, bad signature, missing members.
    await expect(verify({ fmt: 'packed-self', attStmt: (s) => s.set('alg', -257) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(
      verify({
        fmt: 'packed-self',
        attStmt: (s) =>
          s.set(
            'sig',
            Uint8Array.from(s.get('sig') as Uint8Array).map((b, i) => (i === 10 ? b ^ 1 : b)),
          ),
      }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      verify({ fmt: 'packed-self', attStmt: (s) => new Map([...s].filter(([k]) => k !== 'sig')) }),
    ).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(
      verify({ fmt: 'packed-self', attStmt: (s) => s.set('ecdaaKeyId', new Uint8Array(4)) }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    // x5c: signed by another key, x5c of the wrong type.
    await expect(verify(x5c({ attestationKey: root.privateKey }))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verify(x5c({ attStmt: (s) => s.set('x5c', 'nope') }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('ERR_ATTESTATION for packed certificates that break §8.2.1', async () => {
    const make = (subject: [string, string][], extra: Partial<Parameters<typeof certificate>[0]> = {}) =>
      certificate({ subject, issuer: ROOT_NAME, subjectKey: batch, issuerKey: root, serial: 11, ...extra });
    const noOu = make(BATCH_NAME.filter(([t]) => t !== '2.5.4.11'));
    const ca = make(BATCH_NAME, { ca: true });
    const v1 = make(BATCH_NAME, { version: 1 });
    const wrongAaguid = make(BATCH_NAME, {
      extraExtensions: [extension('1.3.6.1.4.1.45724.1.1.4', tlv(0x04, new Uint8Array(16)))],
    });
    const criticalAaguid = make(BATCH_NAME, {
      extraExtensions: [extension('1.3.6.1.4.1.45724.1.1.4', tlv(0x04, TEST_AAGUID), true)],
    });
    for (const cert of [noOu, ca, v1, wrongAaguid, criticalAaguid])
      await expect(verify(x5c({ x5c: [cert] }))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('ERR_ATTESTATION for an attestation certificate outside its validity at attestation.now', async () => {
    await expect(verify(x5c(), { attestation: { now: new Date('2019-06-01T00:00:00Z') } })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verify(x5c(), { attestation: { now: new Date('2050-06-01T00:00:00Z') } })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('ERR_ATTESTATION for fido-u2f with a credential that is not P-256 or several certificates', async () => {
    await expect(
      verify({ fmt: 'fido-u2f', credential: newCredential(-35), attestationKey: batch.privateKey, x5c: [batchCert] }),
    ).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(
      verify({ fmt: 'fido-u2f', attestationKey: batch.privateKey, x5c: [batchCert, rootCert] }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verify({ fmt: 'fido-u2f', attestationKey: root.privateKey, x5c: [batchCert] })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
});

describe('trust policy', { timeout: 60_000 }, () => {
  it('ERR_ATTESTATION_UNTRUSTED when anchors are configured and the chain does not reach them; allowUntrusted accepts it', async () => {
    await expect(verify(x5c(), { attestation: { trustAnchors: [otherRootCert] } })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
    await expect(
      verify(x5c(), { attestation: { trustAnchors: [otherRootCert], allowUntrusted: true } }),
    ).resolves.toMatchObject({
      attestationTrusted: false,
    });
  });
  it('a verdict that depends on the validity of the anchor itself is not cached across instants', async () => {
    const shortRoot = certificate({
      subject: ROOT_NAME,
      subjectKey: root,
      issuerKey: root,
      ca: true,
      notAfter: new Date('2025-01-01T00:00:00Z'),
      serial: 21,
    });
    const attestation = (iso: string) => ({ trustAnchors: [shortRoot], now: new Date(iso) });
    await expect(verify(x5c(), { attestation: attestation('2030-01-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
    await expect(verify(x5c(), { attestation: attestation('2024-01-01T00:00:00Z') })).resolves.toMatchObject({
      attestationTrusted: true,
    });
    await expect(verify(x5c(), { attestation: attestation('2030-01-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
  });

  it('an anchors array changed after use is read again', async () => {
    const trustAnchors: Uint8Array[] = [otherRootCert];
    await expect(verify(x5c(), { attestation: { trustAnchors } })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
    trustAnchors.push(rootCert);
    await expect(verify(x5c(), { attestation: { trustAnchors } })).resolves.toMatchObject({ attestationTrusted: true });
  });

  it('self and none stay accepted with anchors, unless allowSelf / allowNone is false', async () => {
    const attestation = { trustAnchors: [rootCert] };
    await expect(verify({ fmt: 'packed-self' }, { attestation })).resolves.toMatchObject({ attestationTrusted: false });
    await expect(verify({}, { attestation })).resolves.toMatchObject({ attestationTrusted: false });
    await expect(verify({ fmt: 'packed-self' }, { attestation: { allowSelf: false } })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
    await expect(verify({}, { attestation: { allowNone: false } })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
  });
  it('metadata roots are trust anchors; a revoked status is ERR_METADATA; an unknown AAGUID is untrusted', async () => {
    const rootB64 = Buffer.from(rootCert).toString('base64');
    const lookup = (status: string): MetadataLookup => ({
      getEntryByAaguid: (aaguid) =>
        aaguid === 'a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf'
          ? {
              statusReports: [{ status: 'FIDO_CERTIFIED' }, { status }],
              metadataStatement: { attestationRootCertificates: [rootB64] },
            }
          : undefined,
    });
    await expect(verify(x5c(), { attestation: { metadata: lookup('FIDO_CERTIFIED_L1') } })).resolves.toMatchObject({
      attestationTrusted: true,
    });
    await expect(verify(x5c(), { attestation: { metadata: lookup('REVOKED') } })).rejects.toMatchObject({
      code: 'ERR_METADATA',
    });
    await expect(
      verify(x5c({ aaguid: new Uint8Array(16).fill(1) }), { attestation: { metadata: lookup('FIDO_CERTIFIED') } }),
    ).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
  });
  it('a metadata lookup that throws a foreign error becomes ERR_METADATA', async () => {
    const metadata: MetadataLookup = {
      getEntryByAaguid: () => {
        throw new Error('stale');
      },
    };
    await expect(verify(x5c(), { attestation: { metadata } })).rejects.toMatchObject({ code: 'ERR_METADATA' });
  });
  it('fido-u2f entries are found by certificate key identifier', async () => {
    const rootB64 = Buffer.from(rootCert).toString('base64');
    const seen: string[] = [];
    const metadata: MetadataLookup = {
      getEntryByAaguid: () => undefined,
      getEntryByCertificateKeyIdentifier: (kid) => {
        seen.push(kid);
        return { statusReports: [], metadataStatement: { attestationRootCertificates: [rootB64] } };
      },
    };
    await expect(
      verify({ fmt: 'fido-u2f', attestationKey: batch.privateKey, x5c: [batchCert] }, { attestation: { metadata } }),
    ).resolves.toMatchObject({
      attestationTrusted: true,
    });
    expect(seen[0]).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('option validation (ERR_BAD_OPTIONS)', { timeout: 60_000 }, () => {
  it('refuses invalid options', async () => {
    const { response, challenge } = buildRegistration();
    const good = { response, expectedChallenge: challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID };
    const bad: Partial<Record<keyof VerifyRegistrationResponseOptions, unknown>>[] = [
      { expectedChallenge: '' },
      { expectedChallenge: 42 },
      { expectedOrigin: [] },
      { expectedOrigin: 7 },
      { expectedRPID: [''] },
      { requireUserVerification: 'yes' },
      { supportedAlgorithms: [] },
      { supportedAlgorithms: ['x'] },
      { attestation: { now: new Date('nope') } },
      { attestation: { trustAnchors: ['not a pem'] } },
      { attestation: { trustAnchors: [new Uint8Array([1, 2, 3])] } },
    ];
    for (const patch of bad)
      await expect(verifyRegistrationResponse({ ...good, ...patch } as never)).rejects.toMatchObject({
        code: 'ERR_BAD_OPTIONS',
      });
    await expect(verifyRegistrationResponse(null as never)).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
  });
});

function decodeMap(bytes: Uint8Array): Map<unknown, unknown> {
  // Test-local CBOR decode through the package's seam.
  return cborDecodeForTest(bytes) as Map<unknown, unknown>;
}

import { cborDecode as cborDecodeForTest } from '../src/internal/cbor.ts';

void seq;

describe('MetadataStore satisfies MetadataLookup', { timeout: 60_000 }, () => {
  it('type-checks as the attestation.metadata option', async () => {
    const { MetadataStore } = await import('../src/index.ts');
    const store: MetadataLookup = MetadataStore.fromEntries([]);
    expect(store.getEntryByAaguid('00000000-0000-0000-0000-000000000001')).toBeUndefined();
  });
});
