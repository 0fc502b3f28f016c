/**
 * `MetadataStore` as `attestation.metadata` of `verifyRegistrationResponse`: recorded Pixel 8a
 * android-key registration, with the metadata supplying (or withholding) its trust anchor.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyRegistrationResponse } from '../index.ts';
import { certificatesFromPemOrDer } from '../x509/pem.ts';
import { MetadataStore } from './metadata-store.ts';
import type { MetadataStatusReport } from './types.ts';

const DIR = new URL('../../../../../shared/conformance/webauthn/', import.meta.url);
const pixel = JSON.parse(readFileSync(new URL('swa-reg-android-key-pixel-8a.json', DIR), 'utf8'));
const apple = JSON.parse(readFileSync(new URL('swa-reg-apple-2020.json', DIR), 'utf8'));
const b64 = (der: Uint8Array): string => Buffer.from(der).toString('base64');
const googleRoots = (pixel.trustAnchors as string[]).flatMap(certificatesFromPemOrDer).map(b64);
const appleRoots = (apple.trustAnchors as string[]).flatMap(certificatesFromPemOrDer).map(b64);
const now = new Date(pixel.verifyAt);

function storeWith(
  roots: string[],
  statusReports: MetadataStatusReport[] = [{ status: 'FIDO_CERTIFIED' }],
  nextUpdate = '2030-01-01',
): MetadataStore {
  return MetadataStore.fromEntries(
    [
      {
        aaguid: pixel.expect.aaguid,
        metadataStatement: { description: 'Android', attestationRootCertificates: roots } as never,
        statusReports,
      },
    ],
    { nextUpdate },
  );
}

function register(metadata: MetadataStore): ReturnType<typeof verifyRegistrationResponse> {
  return verifyRegistrationResponse({
    response: pixel.response,
    expectedChallenge: pixel.expectedChallenge,
    expectedOrigin: pixel.expectedOrigin,
    expectedRPID: pixel.expectedRPID,
    attestation: { metadata, now },
  });
}

describe('MetadataStore in the registration trust step', () => {
  it('its attestation roots make the attestation trusted', async () => {
    const result = await register(storeWith(googleRoots));
    expect(result).toMatchObject({ fmt: 'android-key', attestationType: 'basic', attestationTrusted: true });
  });
  it('roots that do not validate the chain reject it', async () => {
    await expect(register(storeWith(appleRoots))).rejects.toMatchObject({ code: 'ERR_ATTESTATION_UNTRUSTED' });
  });
  it('a revoked or compromised authenticator is refused', async () => {
    for (const status of ['REVOKED', 'USER_VERIFICATION_BYPASS', 'ATTESTATION_KEY_COMPROMISE']) {
      await expect(register(storeWith(googleRoots, [{ status: 'FIDO_CERTIFIED' }, { status }]))).rejects.toMatchObject({
        code: 'ERR_METADATA',
      });
    }
  });
  it('stale metadata is refused at the registration instant', async () => {
    await expect(register(storeWith(googleRoots, undefined, '2025-01-01'))).rejects.toMatchObject({
      code: 'ERR_METADATA',
    });
  });
});
