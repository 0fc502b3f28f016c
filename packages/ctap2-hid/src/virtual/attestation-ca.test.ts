import { X509Certificate } from 'node:crypto';
import { randomBytes } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { createAttestationRoot, issueAttestationBatch } from './attestation-ca.ts';

describe('attestation CA', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const root = createAttestationRoot(randomBytes, now, 'Test Root');
  const aaguid = Uint8Array.from({ length: 16 }, (_, i) => i);
  const batch = issueAttestationBatch(root, aaguid, randomBytes, now);

  it('issues a batch certificate meeting WebAuthn §8.2.1 that chains to the root', () => {
    const rootCert = new X509Certificate(root.certificate);
    const cert = new X509Certificate(batch.certificate);
    expect(cert.verify(rootCert.publicKey)).toBe(true);
    expect(rootCert.verify(rootCert.publicKey)).toBe(true);
    expect(cert.checkIssued(rootCert)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(rootCert.ca).toBe(true);
    expect(cert.subject.split('\n')).toEqual([
      'C=US',
      'O=Keyward',
      'OU=Authenticator Attestation',
      'CN=Keyward Virtual Authenticator Batch',
    ]);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now.getTime());
  });

  it('carries the AAGUID extension 1.3.6.1.4.1.45724.1.1.4 as a non-critical OCTET STRING', () => {
    // OID 1.3.6.1.4.1.45724.1.1.4, then OCTET STRING { OCTET STRING (16) AAGUID } (no critical flag).
    const oid = [0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xe5, 0x1c, 0x01, 0x01, 0x04];
    const der = [...batch.certificate];
    const at = der.findIndex((_, i) => oid.every((b, j) => der[i + j] === b));
    expect(at).toBeGreaterThan(0);
    const after = der.slice(at + oid.length, at + oid.length + 4 + 16);
    expect(after.slice(0, 4)).toEqual([0x04, 0x12, 0x04, 0x10]);
    expect(after.slice(4)).toEqual([...aaguid]);
  });
});
