import { base64urlToBytes, concatBytes, encodeCbor } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCaseFiles, loadFormatCase } from '../../test/helpers/format-cases.ts';
import { parseCoseKey } from '../cose/key.ts';
import { isWebAuthnError } from '../errors.ts';
import { encodeTlv } from '../internal/der.ts';
import { generateTestKey, issueTestCertificate, type TestKey } from '../metadata/testing-pki.ts';
import { verifyChain } from '../x509/chain.ts';
import { certificatesFromPemOrDer } from '../x509/pem.ts';
import { APPLE_WEBAUTHN_ROOT_CERTIFICATE, verifyApple } from './apple.ts';
import type { AttestationFormatInput } from './types.ts';

const loadCase = (file: string): AttestationFormatInput => loadFormatCase(file).input;

const files = formatCaseFiles(/-reg-apple-/);

describe('verifyApple: conformance cases', () => {
  it('has both recorded cases', () => expect(files.length).toBe(2));
  it('both recorded chains validate to the embedded Apple WebAuthn Root CA', async () => {
    const anchors = certificatesFromPemOrDer(APPLE_WEBAUTHN_ROOT_CERTIFICATE);
    for (const file of files) {
      const input = loadCase(file);
      const result = await verifyChain(input.attStmt.get('x5c') as Uint8Array[], anchors, input.now);
      expect(result.trusted).toBe(true);
    }
  });
  for (const file of files) {
    it(file, async () => {
      const input = loadCase(file);
      await expect(verifyApple(input)).resolves.toEqual({
        attestationType: 'anonca',
        trustPath: input.attStmt.get('x5c'),
      });
    });
  }
});

const ca = await generateTestKey();
const credential = await generateTestKey();
const authData = Uint8Array.from({ length: 37 }, (_, i) => 100 + i);
const clientDataHash = sha256(Uint8Array.of(7));
const cose = (key: TestKey): Uint8Array =>
  encodeCbor(
    new Map<number, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, base64urlToBytes(key.jwk.x as string)],
      [-3, base64urlToBytes(key.jwk.y as string)],
    ]),
  );
const nonceExtension = (nonce: Uint8Array): Uint8Array => encodeTlv(0x30, encodeTlv(0xa1, encodeTlv(0x04, nonce)));

async function built(extension: Uint8Array | null, subjectKey: TestKey = credential): Promise<AttestationFormatInput> {
  const leaf = await issueTestCertificate({
    subjectKey,
    subject: [['2.5.4.3', 'credential']],
    issuerKey: ca,
    issuer: [['2.5.4.3', 'Test Apple WebAuthn CA 1']],
    extensions: extension === null ? [] : [{ oid: '1.2.840.113635.100.8.2', value: extension }],
  });
  return {
    attStmt: new Map<unknown, unknown>([['x5c', [leaf]]]),
    authData,
    clientDataHash,
    aaguid: new Uint8Array(16),
    credentialId: new Uint8Array(8),
    credentialPublicKey: cose(credential),
    credentialAlg: -7,
    now: new Date('2025-01-01T00:00:00Z'),
  };
}
const goodNonce = sha256(concatBytes(authData, clientDataHash));

describe('verifyApple: each check rejects', () => {
  it('accepts a built statement', async () => {
    await expect(verifyApple(await built(nonceExtension(goodNonce)))).resolves.toMatchObject({
      attestationType: 'anonca',
    });
  });
  it('nonce of other data, or a missing extension', async () => {
    const input = await built(nonceExtension(goodNonce));
    await expect(verifyApple({ ...input, clientDataHash: new Uint8Array(32) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyApple({ ...input, authData: authData.subarray(1) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyApple(await built(null))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyApple(await built(nonceExtension(goodNonce.subarray(1))))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('malformed nonce extension', async () => {
    for (const ext of [
      encodeTlv(0x04, goodNonce),
      encodeTlv(0x30, encodeTlv(0xa2, encodeTlv(0x04, goodNonce))),
      Uint8Array.of(...nonceExtension(goodNonce), 0),
      encodeTlv(0x30, encodeTlv(0xa1, encodeTlv(0x04, goodNonce), Uint8Array.of(5, 0))),
    ]) {
      await expect(verifyApple(await built(ext))).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    }
  });
  it('uses the pipeline-parsed credentialKey when given', async () => {
    const input = await built(nonceExtension(goodNonce));
    await expect(
      verifyApple({ ...input, credentialKey: parseCoseKey(input.credentialPublicKey) }),
    ).resolves.toMatchObject({ attestationType: 'anonca' });
    const other = parseCoseKey(cose(await generateTestKey()));
    await expect(verifyApple({ ...input, credentialKey: other })).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('certificate key that is not the credential key', async () => {
    await expect(verifyApple(await built(nonceExtension(goodNonce), await generateTestKey()))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('missing or mistyped x5c', async () => {
    for (const x5c of [undefined, [], ['cert'], 'cert']) {
      await expect(verifyApple({ ...(await built(null)), attStmt: new Map([['x5c', x5c]]) })).rejects.toMatchObject({
        code: 'ERR_ATTESTATION',
      });
    }
  });
  it('garbage x5c only ever yields WebAuthnError', async () => {
    const input = loadCase(files[0] as string);
    const leaf = (input.attStmt.get('x5c') as Uint8Array[])[0] as Uint8Array;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (index, xor) => {
        const mutated = leaf.slice();
        mutated[index % mutated.length] = (mutated[index % mutated.length] as number) ^ xor;
        try {
          await verifyApple({ ...input, attStmt: new Map([['x5c', [mutated]]]) });
          return true;
        } catch (error) {
          return isWebAuthnError(error);
        }
      }),
      { numRuns: 300 },
    );
  });
});
