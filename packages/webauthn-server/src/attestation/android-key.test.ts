import { base64urlToBytes, concatBytes, encodeCbor } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCaseFiles, loadFormatCase } from '../../test/helpers/format-cases.ts';
import { isWebAuthnError } from '../errors.ts';
import { encodeTlv } from '../internal/der.ts';
import { generateTestKey, issueTestCertificate, type TestKey } from '../metadata/testing-pki.ts';
import { createAndroidKeyVerifier, verifyAndroidKey } from './android-key.ts';
import type { AttestationFormatInput } from './types.ts';

const loadCase = (file: string): AttestationFormatInput => loadFormatCase(file).input;

const files = formatCaseFiles(/-android-key-/);

describe('verifyAndroidKey: conformance cases', () => {
  it('has the four recorded keys', () => expect(files.length).toBe(4));
  for (const file of files) {
    it(file, async () => {
      const input = loadCase(file);
      const result = await verifyAndroidKey(input);
      expect(result).toEqual({ attestationType: 'basic', trustPath: input.attStmt.get('x5c') });
    });
  }
});

// --- Built attestations: a KeyDescription we control, signed by our own CA. ---

/** A DER TLV with a multi-byte (high tag number) context-specific constructed tag. */
function explicitTag(tag: number, content: Uint8Array): Uint8Array {
  const body = encodeTlv(0x00, content).subarray(1); // length + content
  if (tag < 31) return concatBytes(Uint8Array.of(0xa0 | tag), body);
  const digits: number[] = [tag & 0x7f];
  for (let v = tag >> 7; v > 0; v >>= 7) digits.unshift((v & 0x7f) | 0x80);
  return concatBytes(Uint8Array.of(0xbf, ...digits), body);
}
const int = (n: number): Uint8Array => encodeTlv(0x02, Uint8Array.of(n));
const enumerated = (n: number): Uint8Array => encodeTlv(0x0a, Uint8Array.of(n));

interface ListSpec {
  purpose?: number[];
  origin?: number;
  allApplications?: boolean;
}
function authorizationList(spec: ListSpec): Uint8Array {
  const parts: Uint8Array[] = [];
  if (spec.purpose) parts.push(explicitTag(1, encodeTlv(0x31, ...spec.purpose.map(int))));
  parts.push(explicitTag(2, int(3))); // algorithm EC (skipped by the parser)
  if (spec.allApplications) parts.push(explicitTag(600, Uint8Array.of(0x05, 0x00)));
  if (spec.origin !== undefined) parts.push(explicitTag(702, int(spec.origin)));
  return encodeTlv(0x30, ...parts);
}
function keyDescription(challenge: Uint8Array, software: ListSpec, tee: ListSpec): Uint8Array {
  return encodeTlv(
    0x30,
    int(3),
    enumerated(1),
    int(4),
    enumerated(1),
    encodeTlv(0x04, challenge),
    encodeTlv(0x04, new Uint8Array(0)),
    authorizationList(software),
    authorizationList(tee),
  );
}

function coseOf(key: TestKey): Uint8Array {
  return encodeCbor(
    new Map<number, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, base64urlToBytes(key.jwk.x as string)],
      [-3, base64urlToBytes(key.jwk.y as string)],
    ]),
  );
}

const ca = await generateTestKey();
const credential = await generateTestKey();
const authData = Uint8Array.from({ length: 37 }, (_, i) => i);
const clientDataHash = sha256(Uint8Array.of(1, 2, 3));

async function built(options: {
  challenge?: Uint8Array;
  software?: ListSpec;
  tee?: ListSpec;
  extension?: Uint8Array | null;
  leafKey?: TestKey;
}): Promise<AttestationFormatInput> {
  const leafKey = options.leafKey ?? credential;
  const description =
    options.extension === undefined
      ? keyDescription(
          options.challenge ?? clientDataHash,
          options.software ?? {},
          options.tee ?? { purpose: [2], origin: 0 },
        )
      : options.extension;
  const leaf = await issueTestCertificate({
    subjectKey: leafKey,
    subject: [['2.5.4.3', 'Android Keystore Key']],
    issuerKey: ca,
    issuer: [['2.5.4.3', 'Test TEE']],
    extensions: description === null ? [] : [{ oid: '1.3.6.1.4.1.11129.2.1.17', value: description }],
  });
  const sig = await leafKey.sign(concatBytes(authData, clientDataHash));
  return {
    attStmt: new Map<unknown, unknown>([
      ['alg', -7],
      ['sig', sig],
      ['x5c', [leaf]],
    ]),
    authData,
    clientDataHash,
    aaguid: new Uint8Array(16),
    credentialId: new Uint8Array(16),
    credentialPublicKey: coseOf(credential),
    credentialAlg: -7,
    now: new Date('2025-01-01T00:00:00Z'),
  };
}

describe('verifyAndroidKey: each check rejects', () => {
  it('accepts a well-formed built attestation (the builder is sound)', async () => {
    await expect(verifyAndroidKey(await built({}))).resolves.toMatchObject({ attestationType: 'basic' });
  });
  it('bad signature, or signature over other data', async () => {
    const input = await built({});
    const sig = (input.attStmt.get('sig') as Uint8Array).slice();
    sig[10] = (sig[10] as number) ^ 1;
    await expect(
      verifyAndroidKey({ ...input, attStmt: new Map([...input.attStmt, ['sig', sig]]) }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyAndroidKey({ ...input, authData: Uint8Array.of(...authData, 0) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('alg that does not fit the leaf key', async () => {
    const input = await built({});
    await expect(
      verifyAndroidKey({ ...input, attStmt: new Map([...input.attStmt, ['alg', -257]]) }),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('leaf key that is not the credential key', async () => {
    const other = await generateTestKey();
    await expect(verifyAndroidKey(await built({ leafKey: other }))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('missing or malformed key description', async () => {
    await expect(verifyAndroidKey(await built({ extension: null }))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      verifyAndroidKey(await built({ extension: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x03) })),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
  it('attestationChallenge other than clientDataHash', async () => {
    await expect(verifyAndroidKey(await built({ challenge: new Uint8Array(32) }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('allApplications in either list', async () => {
    await expect(
      verifyAndroidKey(await built({ tee: { purpose: [2], origin: 0, allApplications: true } })),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyAndroidKey(await built({ software: { allApplications: true } }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('origin not GENERATED, or purpose without SIGN, in teeEnforced', async () => {
    await expect(verifyAndroidKey(await built({ tee: { purpose: [2], origin: 2 } }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyAndroidKey(await built({ tee: { purpose: [2] } }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyAndroidKey(await built({ tee: { purpose: [2, 3], origin: 0 } }))).resolves.toMatchObject({
      attestationType: 'basic',
    });
    await expect(verifyAndroidKey(await built({ tee: { purpose: [2, 1], origin: 0 } }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyAndroidKey(await built({ tee: { purpose: [], origin: 0 } }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyAndroidKey(await built({ tee: { purpose: [0, 3], origin: 0 } }))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('software-enforced properties: refused by default, accepted when allowed', async () => {
    const input = await built({ software: { purpose: [2], origin: 0 }, tee: {} });
    await expect(verifyAndroidKey(input)).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(createAndroidKeyVerifier({ allowSoftwareEnforced: true })(input)).resolves.toMatchObject({
      attestationType: 'basic',
    });
    const imported = await built({ software: { purpose: [2], origin: 0 }, tee: { origin: 2 } });
    await expect(createAndroidKeyVerifier({ allowSoftwareEnforced: true })(imported)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const notSign = await built({ software: { purpose: [3], origin: 0 }, tee: {} });
    await expect(createAndroidKeyVerifier({ allowSoftwareEnforced: true })(notSign)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('duplicate tags in an authorization list', async () => {
    const list = encodeTlv(0x30, explicitTag(702, int(0)), explicitTag(702, int(0)));
    const der = encodeTlv(
      0x30,
      int(3),
      enumerated(1),
      int(4),
      enumerated(1),
      encodeTlv(0x04, clientDataHash),
      encodeTlv(0x04, new Uint8Array(0)),
      encodeTlv(0x30),
      list,
    );
    await expect(verifyAndroidKey(await built({ extension: der }))).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
  it('missing or mistyped fields', async () => {
    const input = await built({});
    for (const [key, value] of [
      ['alg', undefined],
      ['alg', 'ES256'],
      ['sig', undefined],
      ['sig', 'x'],
      ['x5c', undefined],
      ['x5c', []],
      ['x5c', [1]],
    ] as const) {
      const attStmt = new Map(input.attStmt);
      if (value === undefined) attStmt.delete(key);
      else attStmt.set(key, value);
      await expect(verifyAndroidKey({ ...input, attStmt })).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    }
  });
});

describe('verifyAndroidKey: garbage only ever yields WebAuthnError', () => {
  const input = loadCase('swa-reg-android-key-pixel-8a.json');
  const leaf = (input.attStmt.get('x5c') as Uint8Array[])[0] as Uint8Array;
  it('mutated leaf certificate bytes give a result or our error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (index, xor) => {
        const mutated = leaf.slice();
        mutated[index % mutated.length] = (mutated[index % mutated.length] as number) ^ xor;
        const attStmt = new Map([...input.attStmt, ['x5c', [mutated]]]);
        try {
          // Bytes outside what this format checks (issuer, validity, the CA's signature) may change.
          await verifyAndroidKey({ ...input, attStmt });
          return true;
        } catch (error) {
          return isWebAuthnError(error);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('random attStmt values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('alg', 'sig', 'x5c'), fc.anything(), async (key, value) => {
        if (Object.is(value, input.attStmt.get(key))) return true; // the recorded value itself
        try {
          await verifyAndroidKey({ ...input, attStmt: new Map([...input.attStmt, [key, value]]) });
        } catch (error) {
          if (isWebAuthnError(error)) return true;
          throw error; // reported by fast-check with the counterexample
        }
        throw new Error(`accepted attStmt.${key} = ${String(value)}`);
      }),
      { numRuns: 200 },
    );
  });
});
