import { encodeCbor } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCaseFiles, loadFormatCase } from '../../test/helpers/format-cases.ts';
import { parseCoseKey } from '../cose/key.ts';
import { isWebAuthnError } from '../errors.ts';
import { verifyTpm } from './tpm.ts';
import { parseCertInfo, parsePubArea } from './tpm-structures.ts';
import type { AttestationFormatInput } from './types.ts';

const loadCase = loadFormatCase;

const files = formatCaseFiles(/-reg-(neg-)?tpm-/);

/** A copy of the input with attStmt field `key` replaced. */
function withField(input: AttestationFormatInput, key: string, value: unknown): AttestationFormatInput {
  const attStmt = new Map(input.attStmt);
  if (value === undefined) attStmt.delete(key);
  else attStmt.set(key, value);
  return { ...input, attStmt };
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index] = (out[index] as number) ^ 0x01;
  return out;
}

const good = loadCase('swa-reg-tpm-rs256.json').input;
const ecc = loadCase('swa-reg-tpm-ecc-es256.json').input;

describe('verifyTpm: conformance cases', () => {
  it('has the TPM cases', () => expect(files.length).toBeGreaterThanOrEqual(13));
  for (const file of files) {
    it(file, async () => {
      const { input, expect: expected } = loadCase(file);
      if (expected.ok) {
        const result = await verifyTpm(input);
        expect(result.attestationType).toBe('attca');
        expect(result.trustPath).toEqual(input.attStmt.get('x5c'));
      } else {
        await expect(verifyTpm(input)).rejects.toMatchObject({ code: expected.code });
      }
    });
  }
});

describe('verifyTpm: each check rejects', () => {
  it('ver other than 2.0', async () => {
    await expect(verifyTpm(withField(good, 'ver', '1.2'))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyTpm(withField(good, 'ver', 2))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('missing or mistyped fields', async () => {
    for (const key of ['alg', 'sig', 'certInfo', 'pubArea', 'x5c']) {
      await expect(verifyTpm(withField(good, key, undefined))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    }
    await expect(verifyTpm(withField(good, 'x5c', []))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyTpm(withField(good, 'x5c', ['x']))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyTpm(withField(good, 'alg', 1.5))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('unsupported alg', async () => {
    await expect(verifyTpm(withField(good, 'alg', -9999))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(verifyTpm(withField(good, 'alg', -8))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    // An ECDSA alg against the RSA AIK key: extraData is checked first with SHA-256, then the key does not fit.
    await expect(verifyTpm(withField(good, 'alg', -7))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('ECDAA', async () => {
    await expect(verifyTpm(withField(good, 'ecdaaKeyId', new Uint8Array(4)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('alg whose hash does not give extraData', async () => {
    await expect(verifyTpm(withField(good, 'alg', -258))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('authData or clientDataHash changed (extraData)', async () => {
    await expect(verifyTpm({ ...good, clientDataHash: flip(good.clientDataHash, 0) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyTpm({ ...good, authData: flip(good.authData, 33) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('certInfo magic, type, name and signature', async () => {
    const certInfo = good.attStmt.get('certInfo') as Uint8Array;
    await expect(verifyTpm(withField(good, 'certInfo', flip(certInfo, 0)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyTpm(withField(good, 'certInfo', flip(certInfo, 5)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    // Last byte: inside attested.qualifiedName, covered only by the signature.
    await expect(verifyTpm(withField(good, 'certInfo', flip(certInfo, certInfo.length - 1)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    // A byte of attested.name (before qualifiedName).
    const parsed = parseCertInfo(certInfo);
    const nameAt = certInfo.length - 2 - parsed.attestedQualifiedName.length - 1;
    await expect(verifyTpm(withField(good, 'certInfo', flip(certInfo, nameAt)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(
      verifyTpm(withField(good, 'sig', flip(good.attStmt.get('sig') as Uint8Array, 10))),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('truncated or extended TPM structures', async () => {
    const certInfo = good.attStmt.get('certInfo') as Uint8Array;
    const pubArea = good.attStmt.get('pubArea') as Uint8Array;
    await expect(
      verifyTpm(withField(good, 'certInfo', certInfo.subarray(0, certInfo.length - 1))),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    await expect(verifyTpm(withField(good, 'pubArea', Uint8Array.of(...pubArea, 0)))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
    const otherType = pubArea.slice();
    otherType[1] = 0x08; // TPM_ALG_KEYEDHASH
    await expect(verifyTpm(withField(good, 'pubArea', otherType))).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
  it('pubArea that is not the credential key (RSA modulus, exponent; ECC point, curve)', async () => {
    const pubArea = good.attStmt.get('pubArea') as Uint8Array;
    await expect(verifyTpm(withField(good, 'pubArea', flip(pubArea, pubArea.length - 1)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const rsa = parsePubArea(pubArea);
    const exponentAt = pubArea.length - 2 - (('n' in rsa.unique && rsa.unique.n.length) || 0) - 1;
    await expect(verifyTpm(withField(good, 'pubArea', flip(pubArea, exponentAt)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const eccArea = ecc.attStmt.get('pubArea') as Uint8Array;
    await expect(verifyTpm(withField(ecc, 'pubArea', flip(eccArea, eccArea.length - 1)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const parsed = parsePubArea(eccArea);
    expect(parsed.parameters.type).toBe('ecc');
    // curveID sits 4 bytes before the unique field (curveID u16, kdf u16 = NULL).
    const uniqueLength = 'x' in parsed.unique ? 4 + parsed.unique.x.length + parsed.unique.y.length : 0;
    const curveAt = eccArea.length - uniqueLength - 3;
    await expect(verifyTpm(withField(ecc, 'pubArea', flip(eccArea, curveAt)))).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    // RSA pubArea with an EC credential key.
    await expect(verifyTpm({ ...good, credentialPublicKey: ecc.credentialPublicKey })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(verifyTpm({ ...ecc, credentialPublicKey: good.credentialPublicKey })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('uses the pipeline-parsed credentialKey when given', async () => {
    await expect(verifyTpm({ ...good, credentialKey: parseCoseKey(good.credentialPublicKey) })).resolves.toMatchObject({
      attestationType: 'attca',
    });
    await expect(verifyTpm({ ...good, credentialKey: parseCoseKey(ecc.credentialPublicKey) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('AAGUID extension present and different', async () => {
    const { input } = loadCase('swa-reg-tpm-fidotest-aaguid-ext.json');
    await expect(verifyTpm(input)).resolves.toMatchObject({ attestationType: 'attca' });
    await expect(verifyTpm({ ...input, aaguid: flip(input.aaguid, 3) })).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('AIK certificate that does not parse', async () => {
    const x5c = good.attStmt.get('x5c') as Uint8Array[];
    const broken = (x5c[0] as Uint8Array).subarray(0, 100);
    await expect(verifyTpm(withField(good, 'x5c', [broken]))).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
  it('AIK certificate that is not the signer (the intermediate instead)', async () => {
    const x5c = good.attStmt.get('x5c') as Uint8Array[];
    await expect(verifyTpm(withField(good, 'x5c', [x5c[1]]))).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
});

describe('verifyTpm: garbage only ever yields WebAuthnError', () => {
  const value = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.constant(undefined),
    fc.array(fc.uint8Array({ maxLength: 32 }), { maxLength: 3 }),
  );
  it('random attStmt fields', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ver', 'alg', 'sig', 'certInfo', 'pubArea', 'x5c'), value, async (key, v) => {
        if (Object.is(v, good.attStmt.get(key))) return true; // the recorded value itself
        try {
          await verifyTpm(withField(good, key, v));
          return false;
        } catch (error) {
          return isWebAuthnError(error);
        }
      }),
      { numRuns: 200 },
    );
  });
  it('mutated certInfo and pubArea bytes', async () => {
    const certInfo = good.attStmt.get('certInfo') as Uint8Array;
    const pubArea = good.attStmt.get('pubArea') as Uint8Array;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('certInfo', 'pubArea'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(),
        async (key, index, xor, cut) => {
          const base = key === 'certInfo' ? certInfo : pubArea;
          const mutated = base.slice(0, base.length - (cut % 3));
          const at = index % mutated.length;
          mutated[at] = (mutated[at] as number) ^ xor;
          try {
            await verifyTpm(withField(good, key, mutated));
            return false;
          } catch (error) {
            return isWebAuthnError(error);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
  it('a whole random attStmt map', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const attStmt = new Map<unknown, unknown>([
          ['ver', '2.0'],
          ['alg', -257],
          ['x5c', [bytes]],
          ['sig', bytes],
          ['certInfo', bytes],
          ['pubArea', bytes],
        ]);
        try {
          await verifyTpm({ ...good, attStmt });
          return false;
        } catch (error) {
          return isWebAuthnError(error);
        }
      }),
      { numRuns: 100 },
    );
    expect(encodeCbor).toBeTypeOf('function');
  });
});

describe('verifyTpm: the intended check is the one that fires', () => {
  const certInfo = good.attStmt.get('certInfo') as Uint8Array;
  const pubArea = good.attStmt.get('pubArea') as Uint8Array;
  const eccArea = ecc.attStmt.get('pubArea') as Uint8Array;
  const parsedInfo = parseCertInfo(certInfo);
  const rsa = parsePubArea(pubArea);
  const eccParsed = parsePubArea(eccArea);
  const nLength = 'n' in rsa.unique ? rsa.unique.n.length : 0;
  const eccUnique = 'x' in eccParsed.unique ? 4 + eccParsed.unique.x.length + eccParsed.unique.y.length : 0;
  // keyBits is the u16 before the u32 exponent, which precedes the sized modulus.
  const keyBitsAt = pubArea.length - 2 - nLength - 4 - 1;
  const cases: [string, AttestationFormatInput, RegExp][] = [
    ['ver', withField(good, 'ver', '1.2'), /ver "2\.0"/],
    ['magic', withField(good, 'certInfo', flip(certInfo, 0)), /magic/],
    ['type', withField(good, 'certInfo', flip(certInfo, 5)), /TPM_ST_ATTEST_CERTIFY/],
    ['extraData', { ...good, clientDataHash: flip(good.clientDataHash, 0) }, /extraData/],
    ['extraData under another alg', withField(good, 'alg', -258), /extraData/],
    [
      'attested name',
      withField(good, 'certInfo', flip(certInfo, certInfo.length - 2 - parsedInfo.attestedQualifiedName.length - 1)),
      /attested\.name is not the name/,
    ],
    ['signature', withField(good, 'certInfo', flip(certInfo, certInfo.length - 1)), /sig is not a valid signature/],
    ['modulus', withField(good, 'pubArea', flip(pubArea, pubArea.length - 1)), /RSA modulus/],
    ['exponent', withField(good, 'pubArea', flip(pubArea, pubArea.length - 2 - nLength - 1)), /exponent/],
    ['keyBits', withField(good, 'pubArea', flip(pubArea, keyBitsAt)), /keyBits/],
    ['ECC point', withField(ecc, 'pubArea', flip(eccArea, eccArea.length - 1)), /ECC point/],
    ['ECC curve', withField(ecc, 'pubArea', flip(eccArea, eccArea.length - eccUnique - 3)), /curve/],
    ['key type', { ...good, credentialPublicKey: ecc.credentialPublicKey }, /RSA key, the credential key has kty 2/],
    ['alg not fitting the AIK key', withField(good, 'alg', -7), /extraData|cannot verify alg/],
    ['ECDAA', withField(good, 'ecdaaKeyId', new Uint8Array(4)), /ECDAA/],
  ];
  for (const [name, input, pattern] of cases) {
    it(name, async () => {
      await expect(verifyTpm(input)).rejects.toMatchObject({
        code: 'ERR_ATTESTATION',
        message: expect.stringMatching(pattern),
      });
    });
  }
});
