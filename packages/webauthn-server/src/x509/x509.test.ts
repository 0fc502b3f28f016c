import { describe, expect, it } from 'vitest';
import { BATCH_NAME, certificate, ecKey, extension, ROOT_NAME, seq, tlv } from '../../test/helpers/pki.ts';
import { parseCertificate } from './certificate.ts';
import { validatePath, verifyChain } from './chain.ts';
import { certificatesFromPemOrDer } from './pem.ts';

const root = ecKey('P-384');
const inter = ecKey();
const leaf = ecKey();
const INTER_NAME: [string, string][] = [['2.5.4.3', 'Intermediate']];
// The root is P-384 and signs with ecdsa-with-SHA256: a pair WebCrypto-style engines refuse.
const rootCert = certificate({ subject: ROOT_NAME, subjectKey: root, issuerKey: root, ca: true, keyUsage: [5] });
const interCert = certificate({
  subject: INTER_NAME,
  issuer: ROOT_NAME,
  subjectKey: inter,
  issuerKey: root,
  ca: true,
  pathLen: 0,
  keyUsage: [5],
});
const leafCert = certificate({
  subject: BATCH_NAME,
  issuer: INTER_NAME,
  subjectKey: leaf,
  issuerKey: inter,
  extraExtensions: [extension('2.5.29.17', seq(tlv(0x82, new TextEncoder().encode('example.com'))))],
});
const now = new Date('2030-01-01T00:00:00Z');

describe('parseCertificate', () => {
  it('reads version, names, validity, key, extensions, basic constraints and SAN', () => {
    const c = parseCertificate(leafCert);
    expect(c.version).toBe(3);
    expect(c.subject.find((a) => a.type === '2.5.4.11')?.value).toBe('Authenticator Attestation');
    expect(c.issuer).toEqual([{ type: '2.5.4.3', value: 'Intermediate' }]);
    expect(c.notBefore.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(c.basicConstraints).toEqual({ cA: false });
    expect(c.extensions.get('2.5.29.19')?.critical).toBe(true);
    expect(c.subjectAltName?.[0]).toMatchObject({ tag: 2, text: 'example.com' });
    expect(c.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    expect(c.toPkijs().subject.typesAndValues.length).toBe(4);
    expect(parseCertificate(interCert).basicConstraints).toEqual({ cA: true, pathLenConstraint: 0 });
    expect([...(parseCertificate(rootCert).keyUsage ?? [])]).toEqual([5]);
  });
  it('tolerates a DER-invalid Basic Constraints that spells out cA FALSE', () => {
    const bad = certificate({
      subject: BATCH_NAME,
      subjectKey: leaf,
      issuerKey: leaf,
      omitBasicConstraints: true,
      extraExtensions: [extension('2.5.29.19', Uint8Array.of(0x30, 0x03, 0x01, 0x01, 0x00))],
    });
    expect(parseCertificate(bad).basicConstraints).toEqual({ cA: false });
  });
  it('reads GeneralizedTime after 2049', () => {
    const c = parseCertificate(
      certificate({
        subject: BATCH_NAME,
        subjectKey: leaf,
        issuerKey: leaf,
        notAfter: new Date('2099-01-02T03:04:05Z'),
      }),
    );
    expect(c.notAfter.toISOString()).toBe('2099-01-02T03:04:05.000Z');
  });
  it('refuses anything malformed with ERR_MALFORMED (truncations, trailing bytes, not a certificate)', () => {
    for (let n = 0; n < leafCert.length; n += 37)
      expect(() => parseCertificate(leafCert.subarray(0, n))).toThrow(
        expect.objectContaining({ code: 'ERR_MALFORMED' }),
      );
    expect(() => parseCertificate(new Uint8Array([...leafCert, 0]))).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    );
    expect(() => parseCertificate(Uint8Array.of(0x30, 0x00))).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    );
    expect(() => parseCertificate('x' as never)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
  });
});

describe('path validation', () => {
  it('validates leaf → intermediate → root anchor, including the P-384/SHA-256 root signature', async () => {
    const r = await verifyChain([leafCert, interCert], [rootCert], now);
    expect(r.trusted).toBe(true);
    expect(r.validUntil.toISOString()).toBe('2049-12-31T23:59:59.000Z');
  });
  it('accepts an anchor that is an intermediate, or a path that includes its anchor', async () => {
    expect((await verifyChain([leafCert], [interCert], now)).trusted).toBe(true);
    expect((await verifyChain([leafCert, interCert, rootCert], [rootCert], now)).trusted).toBe(true);
  });
  it('reports untrusted (not an error) without a matching anchor, and verifyChain refuses it', async () => {
    expect((await validatePath([leafCert, interCert], [], now)).trusted).toBe(false);
    const other = ecKey();
    const otherRoot = certificate({ subject: ROOT_NAME, subjectKey: other, issuerKey: other, ca: true });
    await expect(verifyChain([leafCert, interCert], [otherRoot], now)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION_UNTRUSTED',
    });
  });
  it('ERR_ATTESTATION for certificates outside their validity at `now`', async () => {
    await expect(
      validatePath([leafCert, interCert], [parseCertificate(rootCert)], new Date('2019-01-01T00:00:00Z')),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    await expect(
      validatePath([leafCert, interCert], [parseCertificate(rootCert)], new Date('2051-01-01T00:00:00Z')),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
  it('ERR_ATTESTATION for a broken chain: wrong order, issuer not a CA, missing keyCertSign, path length exceeded, bad signature', async () => {
    await expect(
      validatePath([leafCert, rootCert, interCert], [parseCertificate(rootCert)], now),
    ).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
    const notCa = certificate({ subject: INTER_NAME, issuer: ROOT_NAME, subjectKey: inter, issuerKey: root });
    await expect(validatePath([leafCert, notCa], [parseCertificate(rootCert)], now)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const noSign = certificate({
      subject: INTER_NAME,
      issuer: ROOT_NAME,
      subjectKey: inter,
      issuerKey: root,
      ca: true,
      keyUsage: [0],
    });
    await expect(validatePath([leafCert, noSign], [parseCertificate(rootCert)], now)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const inter2 = ecKey();
    const I2: [string, string][] = [['2.5.4.3', 'Intermediate 2']];
    const leaf2 = certificate({ subject: BATCH_NAME, issuer: I2, subjectKey: leaf, issuerKey: inter2 });
    const inter2Cert = certificate({ subject: I2, issuer: INTER_NAME, subjectKey: inter2, issuerKey: inter, ca: true });
    // interCert has pathLen 0, so it may not sign another CA.
    await expect(validatePath([leaf2, inter2Cert, interCert], [parseCertificate(rootCert)], now)).rejects.toMatchObject(
      { code: 'ERR_ATTESTATION' },
    );
    const constrained = certificate({
      subject: INTER_NAME,
      issuer: ROOT_NAME,
      subjectKey: inter,
      issuerKey: root,
      ca: true,
      extraExtensions: [extension('2.5.29.30', seq(), true)],
    });
    await expect(validatePath([leafCert, constrained], [parseCertificate(rootCert)], now)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    const forged = certificate({ subject: BATCH_NAME, issuer: INTER_NAME, subjectKey: leaf, issuerKey: leaf });
    await expect(validatePath([forged, interCert], [parseCertificate(rootCert)], now)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
  });
  it('ERR_ATTESTATION for an empty or overlong path', async () => {
    await expect(validatePath([], [rootCert].map(parseCertificate), now)).rejects.toMatchObject({
      code: 'ERR_ATTESTATION',
    });
    await expect(validatePath(new Array(9).fill(leafCert), [], now)).rejects.toMatchObject({ code: 'ERR_ATTESTATION' });
  });
});

describe('certificatesFromPemOrDer', () => {
  it('reads DER and one or more PEM blocks', () => {
    const pem = (d: Uint8Array) =>
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(d)
        .toString('base64')
        .replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    expect(certificatesFromPemOrDer(rootCert)).toEqual([rootCert]);
    expect(certificatesFromPemOrDer(pem(rootCert) + pem(interCert))).toEqual([rootCert, interCert]);
  });
  it('refuses text without a certificate block with ERR_BAD_OPTIONS', () => {
    expect(() => certificatesFromPemOrDer('hello')).toThrow(expect.objectContaining({ code: 'ERR_BAD_OPTIONS' }));
    expect(() => certificatesFromPemOrDer('-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----')).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS' }),
    );
  });
});
