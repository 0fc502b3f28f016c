/** WebAuthn Level 3 §16 test vectors (registration and authentication), run end to end. */
import { bytesToBase64url, hexToBytes } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '../src/index.ts';
import vectors from './vectors/webauthn-l3-section16.json' with { type: 'json' };

const b64 = (hex: string): string => bytesToBase64url(hexToBytes(hex) as Uint8Array);

interface RegVector {
  id: string;
  attestationObject: string;
  clientDataJSON: string;
  credentialID: string;
  challenge: string;
  allowCrossOrigin?: boolean;
  expectedTopOrigin?: string;
  withoutAllowCrossOrigin?: string;
  knownDeviation?: { code: string; reason: string };
  expected: { fmt: string; attestationType: string; credentialAlg: number };
}

function registrationOptions(v: RegVector) {
  const id = b64(v.credentialID);
  return {
    response: {
      id,
      rawId: id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: { clientDataJSON: b64(v.clientDataJSON), attestationObject: b64(v.attestationObject) },
    },
    expectedChallenge: b64(v.challenge),
    expectedOrigin: vectors.origin,
    expectedRPID: vectors.rpID,
    supportedAlgorithms: [-8, -7, -35, -36, -257],
  };
}

describe('WebAuthn L3 §16 registration vectors', () => {
  for (const v of vectors.registration as RegVector[]) {
    if (v.knownDeviation) {
      // Documented deviation (see the vector's `knownDeviation.reason`): asserted so that a change is noticed.
      it(`${v.id}: known deviation, refused with ${v.knownDeviation.code}`, async () => {
        await expect(verifyRegistrationResponse(registrationOptions(v))).rejects.toMatchObject({
          code: v.knownDeviation?.code,
        });
      });
      continue;
    }
    it(`${v.id}: accepted as ${v.expected.fmt}/${v.expected.attestationType}`, async () => {
      const result = await verifyRegistrationResponse({
        ...registrationOptions(v),
        ...(v.allowCrossOrigin ? { allowCrossOrigin: true } : {}),
        ...(v.expectedTopOrigin ? { expectedTopOrigin: v.expectedTopOrigin } : {}),
      });
      expect(result.fmt).toBe(v.expected.fmt);
      expect(result.attestationType).toBe(v.expected.attestationType);
      expect(result.credentialAlg).toBe(v.expected.credentialAlg);
      expect(result.credential.id).toBe(b64(v.credentialID));
      expect(result.attestationTrusted).toBe(false);
      expect(result.rpID).toBe(vectors.rpID);
    });
    if (v.withoutAllowCrossOrigin) {
      it(`${v.id}: refused without allowCrossOrigin`, async () => {
        await expect(verifyRegistrationResponse(registrationOptions(v))).rejects.toMatchObject({
          code: v.withoutAllowCrossOrigin,
        });
      });
    }
    if (v.expectedTopOrigin) {
      it(`${v.id}: refused when topOrigin is not an expected one`, async () => {
        await expect(
          verifyRegistrationResponse({
            ...registrationOptions(v),
            allowCrossOrigin: true,
            expectedTopOrigin: 'https://other.example',
          }),
        ).rejects.toMatchObject({ code: 'ERR_CROSS_ORIGIN' });
      });
    }
  }
});

describe('WebAuthn L3 §16 authentication vectors', () => {
  for (const v of vectors.authentication) {
    it(`${v.id}: accepted`, async () => {
      const id = b64(v.credentialID);
      const result = await verifyAuthenticationResponse({
        response: {
          id,
          rawId: id,
          type: 'public-key',
          clientExtensionResults: {},
          response: {
            clientDataJSON: b64(v.clientDataJSON),
            authenticatorData: b64(v.authenticatorData),
            signature: b64(v.signature),
          },
        },
        expectedChallenge: b64(v.challenge),
        expectedOrigin: vectors.origin,
        expectedRPID: vectors.rpID,
        credential: { id, publicKey: hexToBytes(v.credentialPublicKey) as Uint8Array, signCount: 0 },
      });
      expect(result).toMatchObject(v.expected);
    });
  }
});
