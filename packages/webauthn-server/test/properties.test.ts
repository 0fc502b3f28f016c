/**
 * fast-check properties: whatever arrives (random bytes, mutated valid responses, truncated CBOR,
 * huge declared lengths, values of the wrong JSON type), only a WebAuthnError with an ERR_ code
 * escapes, and nothing hangs.
 */
import { bytesToBase64url } from '@keyward/internal';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isWebAuthnError,
  parseCoseKey,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '../src/index.ts';
import { parseCertificate } from '../src/x509/certificate.ts';
import { buildAuthentication, buildRegistration, newCredential, ORIGIN, RP_ID } from './helpers/authenticator.ts';
import { BATCH_NAME, certificate, ecKey, ROOT_NAME } from './helpers/pki.ts';

const RUNS = { numRuns: 300 };

function assertOurs(error: unknown): void {
  if (!isWebAuthnError(error) || !/^ERR_[A-Z_]+$/.test(error.code))
    throw new Error(`foreign error escaped: ${String(error)}`, { cause: error });
}
async function onlyOurErrors(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    assertOurs(error);
  }
}
function onlyOurErrorsSync(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    assertOurs(error);
  }
}

const b64 = (bytes: Uint8Array): string => bytesToBase64url(bytes);
const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));

/** Byte-level mutations: flip, truncate, insert, delete, set to extreme values. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0x1b, 0x5b, 0x7f, 0x9b, 0xbb, 0xff),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, list: Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of list) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] = (out[at] as number) ^ (1 << m.bit);
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'insert') out.splice(at, 0, ...m.bytes);
    else if (m.kind === 'delete') out.splice(at, m.count);
    else out[at] = m.value;
  }
  return Uint8Array.from(out);
}

let samples: { response: ReturnType<typeof buildRegistration>['response']; challenge: string }[];
let assertion: ReturnType<typeof buildAuthentication> & { cose: Uint8Array; id: string };
let cert: Uint8Array;

beforeAll(() => {
  const root = ecKey();
  const batch = ecKey();
  const rootCert = certificate({ subject: ROOT_NAME, subjectKey: root, issuerKey: root, ca: true });
  cert = certificate({ subject: BATCH_NAME, issuer: ROOT_NAME, subjectKey: batch, issuerKey: root });
  samples = [
    buildRegistration({ fmt: 'none' }),
    buildRegistration({ fmt: 'packed-self', credential: newCredential(-8) }),
    buildRegistration({ fmt: 'packed-x5c', attestationKey: batch.privateKey, x5c: [cert, rootCert] }),
    buildRegistration({ fmt: 'fido-u2f', attestationKey: batch.privateKey, x5c: [cert] }),
  ];
  const credential = newCredential(-7);
  assertion = { ...buildAuthentication({ credential }), cose: credential.cose, id: b64(credential.id) };
});

const regOptions = (response: unknown, challenge: string) => ({
  response: response as never,
  expectedChallenge: challenge,
  expectedOrigin: ORIGIN,
  expectedRPID: RP_ID,
  attestation: { now: new Date('2030-01-01T00:00:00Z') },
});

describe('registration: only WebAuthnError escapes', { timeout: 60_000 }, () => {
  it('the unmodified samples verify (the mutations start from valid input)', async () => {
    for (const s of samples)
      await expect(verifyRegistrationResponse(regOptions(s.response, s.challenge))).resolves.toBeDefined();
  });

  it('random attestationObject and clientDataJSON bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(3),
        async (ao, cdj, i) => {
          const s = samples[i] as (typeof samples)[number];
          const response = {
            ...s.response,
            response: { ...s.response.response, attestationObject: b64(ao), clientDataJSON: b64(cdj) },
          };
          await onlyOurErrors(() => verifyRegistrationResponse(regOptions(response, s.challenge)));
        },
      ),
      RUNS,
    );
  });

  it('mutated attestation objects (truncated CBOR, huge lengths, flipped bits)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(3), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (i, list) => {
        const s = samples[i] as (typeof samples)[number];
        const ao = mutate(fromB64(s.response.response.attestationObject), list);
        const response = { ...s.response, response: { ...s.response.response, attestationObject: b64(ao) } };
        await onlyOurErrors(() => verifyRegistrationResponse(regOptions(response, s.challenge)));
      }),
      RUNS,
    );
  });

  it('mutated clientDataJSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (list) => {
        const s = samples[0] as (typeof samples)[number];
        const cdj = mutate(fromB64(s.response.response.clientDataJSON), list);
        const response = { ...s.response, response: { ...s.response.response, clientDataJSON: b64(cdj) } };
        await onlyOurErrors(() => verifyRegistrationResponse(regOptions(response, s.challenge)));
      }),
      RUNS,
    );
  });

  it('values of any JSON type in any field of the response', async () => {
    const field = fc.constantFrom(
      'id',
      'rawId',
      'type',
      'response',
      'clientDataJSON',
      'attestationObject',
      'transports',
      'clientExtensionResults',
    );
    await fc.assert(
      fc.asyncProperty(field, fc.anything(), async (name, value) => {
        const s = samples[1] as (typeof samples)[number];
        const inner = { ...s.response.response } as Record<string, unknown>;
        const outer = { ...s.response } as Record<string, unknown>;
        if (name in inner) inner[name] = value;
        else outer[name] = value;
        outer.response = name === 'response' ? value : inner;
        await onlyOurErrors(() => verifyRegistrationResponse(regOptions(outer, s.challenge)));
      }),
      RUNS,
    );
  });

  it('a CBOR header declaring a 4 GiB byte string is refused without allocating it', async () => {
    const s = samples[0] as (typeof samples)[number];
    const huge = Uint8Array.of(
      0xa1,
      0x68,
      ...new TextEncoder().encode('authData'),
      0x5a,
      0xff,
      0xff,
      0xff,
      0xff,
      1,
      2,
      3,
    );
    const response = { ...s.response, response: { ...s.response.response, attestationObject: b64(huge) } };
    await expect(verifyRegistrationResponse(regOptions(response, s.challenge))).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
  });
});

describe('authentication: only WebAuthnError escapes', { timeout: 60_000 }, () => {
  const options = (response: unknown, publicKey: Uint8Array = assertion.cose) => ({
    response: response as never,
    expectedChallenge: assertion.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential: { id: assertion.id, publicKey, signCount: 0 },
  });

  it('mutated authenticatorData, signature and clientDataJSON', async () => {
    const part = fc.constantFrom('authenticatorData', 'signature', 'clientDataJSON');
    await fc.assert(
      fc.asyncProperty(part, fc.array(mutation, { minLength: 1, maxLength: 4 }), async (name, list) => {
        const inner = { ...assertion.response.response } as Record<string, string>;
        inner[name] = b64(mutate(fromB64(inner[name] as string), list));
        await onlyOurErrors(() => verifyAuthenticationResponse(options({ ...assertion.response, response: inner })));
      }),
      RUNS,
    );
  });

  it('random stored public keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), async (key) => {
        await onlyOurErrors(() => verifyAuthenticationResponse(options(assertion.response, key)));
      }),
      RUNS,
    );
  });
});

describe('parsers: only WebAuthnError escapes', { timeout: 60_000 }, () => {
  it('parseCoseKey on random and mutated bytes', () => {
    const valid = newCredential(-7).cose;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(mutation, { maxLength: 3 }), (random, list) => {
        onlyOurErrorsSync(() => parseCoseKey(random));
        onlyOurErrorsSync(() => parseCoseKey(mutate(valid, list)));
      }),
      RUNS,
    );
  });

  it('parseCertificate on random and mutated DER', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (random, list) => {
          onlyOurErrorsSync(() => parseCertificate(random));
          onlyOurErrorsSync(() => parseCertificate(mutate(cert, list)));
        },
      ),
      RUNS,
    );
  });
});
