import { bytesToBase64url, concatBytes, utf8ToBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCaseFiles, loadFormatCase } from '../../test/helpers/format-cases.ts';
import { isWebAuthnError } from '../errors.ts';
import { encodeTlv } from '../internal/der.ts';
import { derToJwsSignature, generateTestKey, issueTestCertificate, type TestKey } from '../metadata/testing-pki.ts';
import { createAndroidSafetyNetVerifier, verifyAndroidSafetyNet } from './android-safetynet.ts';
import type { AttestationFormatInput } from './types.ts';

const loadCase = loadFormatCase;

const files = formatCaseFiles(/-safetynet-/);

describe('verifyAndroidSafetyNet: conformance cases', () => {
  it('has the three recorded cases', () => expect(files.length).toBe(3));
  for (const file of files) {
    it(file, async () => {
      const { input, expect: expected } = loadCase(file);
      if (expected.ok) {
        const result = await verifyAndroidSafetyNet(input);
        expect(result.attestationType).toBe('basic');
        expect(result.trustPath.length).toBeGreaterThan(0);
      } else {
        await expect(verifyAndroidSafetyNet(input)).rejects.toMatchObject({ code: expected.code });
      }
    });
  }
  it('the recorded responses are only fresh around their timestamp', async () => {
    const { input } = loadCase('swa-reg-android-safetynet-2019.json');
    const at = (ms: number): AttestationFormatInput => ({ ...input, now: new Date(1565424262773 + ms) });
    await expect(verifyAndroidSafetyNet(at(60_000))).resolves.toMatchObject({ attestationType: 'basic' });
    await expect(verifyAndroidSafetyNet(at(-60_000))).resolves.toMatchObject({ attestationType: 'basic' });
    await expect(verifyAndroidSafetyNet(at(60_001))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyAndroidSafetyNet(at(-60_001))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(createAndroidSafetyNetVerifier({ maxAgeMs: 3_600_000 })(at(3_600_000))).resolves.toMatchObject({
      attestationType: 'basic',
    });
  });
});

// --- Built responses signed by our own "attest.android.com" certificate. ---

const ca = await generateTestKey();
const signer = await generateTestKey();
const rsaSigner = await generateTestKey('rsa');
const authData = Uint8Array.from({ length: 37 }, (_, i) => i * 3);
const clientDataHash = sha256(Uint8Array.of(42));
const now = new Date('2024-05-05T05:05:05Z');
const nonce = btoa(String.fromCharCode(...sha256(concatBytes(authData, clientDataHash))));
const standardB64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

async function leafFor(key: TestKey, cn: string, dns: string[] | null): Promise<Uint8Array> {
  const san =
    dns === null
      ? []
      : [{ oid: '2.5.29.17', value: encodeTlv(0x30, ...dns.map((name) => encodeTlv(0x82, utf8ToBytes(name)))) }];
  return issueTestCertificate({
    subjectKey: key,
    subject: [['2.5.4.3', cn]],
    issuerKey: ca,
    issuer: [['2.5.4.3', 'Test GTS CA']],
    extensions: san,
  });
}
const leaf = await leafFor(signer, 'attest.android.com', ['attest.android.com']);

interface JwsSpec {
  payload?: Record<string, unknown>;
  header?: Record<string, unknown>;
  key?: TestKey;
  cert?: Uint8Array;
  tamper?: boolean;
}
async function jwsOf(spec: JwsSpec): Promise<string> {
  const key = spec.key ?? signer;
  const header = { alg: key.type === 'ec' ? 'ES256' : 'RS256', x5c: [standardB64(spec.cert ?? leaf)], ...spec.header };
  const payload = {
    nonce,
    timestampMs: now.getTime() - 1000,
    ctsProfileMatch: true,
    basicIntegrity: true,
    ...spec.payload,
  };
  const input = `${bytesToBase64url(utf8ToBytes(JSON.stringify(header)))}.${bytesToBase64url(utf8ToBytes(JSON.stringify(payload)))}`;
  let sig = await key.sign(utf8ToBytes(input));
  if (key.type === 'ec') sig = derToJwsSignature(sig);
  if (spec.tamper) sig[5] = (sig[5] as number) ^ 1;
  return `${input}.${bytesToBase64url(sig)}`;
}
function inputWith(response: string | Uint8Array, ver: unknown = '23.1.2'): AttestationFormatInput {
  return {
    attStmt: new Map<unknown, unknown>([
      ['ver', ver],
      ['response', typeof response === 'string' ? utf8ToBytes(response) : response],
    ]),
    authData,
    clientDataHash,
    aaguid: new Uint8Array(16),
    credentialId: new Uint8Array(16),
    credentialPublicKey: new Uint8Array(0),
    credentialAlg: -7,
    now,
  };
}

describe('verifyAndroidSafetyNet: each check rejects', () => {
  it('accepts built ES256 and RS256 responses', async () => {
    const result = await verifyAndroidSafetyNet(inputWith(await jwsOf({})));
    expect(result).toEqual({ attestationType: 'basic', trustPath: [leaf] });
    const rsaLeaf = await leafFor(rsaSigner, 'attest.android.com', null);
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ key: rsaSigner, cert: rsaLeaf }))),
    ).resolves.toMatchObject({ attestationType: 'basic' });
  });
  it('ver empty or not a string; response not bytes', async () => {
    const jws = await jwsOf({});
    await expect(verifyAndroidSafetyNet(inputWith(jws, ''))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyAndroidSafetyNet(inputWith(jws, 23))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    const input = inputWith(jws);
    await expect(
      verifyAndroidSafetyNet({ ...input, attStmt: new Map([...input.attStmt, ['response', jws]]) }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('response that is not a JWS (parts, base64url, JSON, UTF-8, x5c, crit)', async () => {
    const bad = [
      'a.b',
      'a.b.c.d',
      '!!.e30.AA',
      'e30.bm90IGpzb24.AA',
      'W10.e30.AA',
      'e30.e30.AA',
      `${bytesToBase64url(utf8ToBytes('{"alg":"ES256","x5c":"x"}'))}.e30.AA`,
    ];
    for (const text of bad)
      await expect(verifyAndroidSafetyNet(inputWith(text))).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verifyAndroidSafetyNet(inputWith(Uint8Array.of(0xff, 0xfe)))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ header: { x5c: ['not base64!'] } }))),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ header: { crit: ['exp'] } })))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
  it('nonce of other data, or missing', async () => {
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { nonce: standardB64(new Uint8Array(32)) } }))),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      verifyAndroidSafetyNet({ ...inputWith(await jwsOf({})), clientDataHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { nonce: 5 } })))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
  it('signing certificate for another host (SAN, or CN when there is no SAN)', async () => {
    const other = await leafFor(signer, 'attest.android.com', ['evil.example']);
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ cert: other })))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const cnOnly = await leafFor(signer, 'attest.android.com.evil.example', null);
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ cert: cnOnly })))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('bad JWS signature, or a certificate that did not sign it', async () => {
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ tamper: true })))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const otherKeyLeaf = await leafFor(await generateTestKey(), 'attest.android.com', ['attest.android.com']);
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ cert: otherKeyLeaf })))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('unsupported or mismatched JWS alg', async () => {
    for (const alg of ['none', 'HS256', undefined, 'toString']) {
      await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ header: { alg } })))).rejects.toMatchObject({
        code: 'ERR_ATTESTATION',
      });
    }
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ header: { alg: 'RS256' } })))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyAndroidSafetyNet(inputWith(await jwsOf({ header: { alg: 'ES384' } })))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
  it('ctsProfileMatch false or absent', async () => {
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { ctsProfileMatch: false } }))),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { ctsProfileMatch: 'true' } }))),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('timestamp too old, in the future, or not a number', async () => {
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { timestampMs: now.getTime() - 61_000 } }))),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { timestampMs: now.getTime() + 61_000 } }))),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      verifyAndroidSafetyNet(inputWith(await jwsOf({ payload: { timestampMs: '1' } }))),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
  it('refuses a negative window', () => {
    expect(() => createAndroidSafetyNetVerifier({ maxAgeMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS' }),
    );
    expect(() => createAndroidSafetyNetVerifier({ maxClockSkewMs: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS' }),
    );
  });
  it('garbage responses only ever yield WebAuthnError', async () => {
    const jws = utf8ToBytes(await jwsOf({}));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ maxLength: 100 }),
        async (index, xor, random) => {
          const mutated = jws.slice();
          mutated[index % mutated.length] = (mutated[index % mutated.length] as number) ^ xor;
          for (const response of [mutated, random]) {
            try {
              await verifyAndroidSafetyNet(inputWith(response));
              return false;
            } catch (error) {
              if (!isWebAuthnError(error)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
