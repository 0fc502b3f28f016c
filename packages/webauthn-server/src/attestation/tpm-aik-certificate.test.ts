import { readFileSync } from 'node:fs';
import { base64urlToBytes, decodeCbor } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { type ParsedCertificate, parseCertificate } from '../x509/certificate.ts';
import { checkAaguidExtension, checkAikCertificate, FIDO_AAGUID_EXTENSION_OID } from './tpm-aik-certificate.ts';

const DIR = new URL('../../../../../shared/conformance/webauthn/', import.meta.url);

function aikOf(file: string): ParsedCertificate {
  const c = JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));
  const attObj = decodeCbor(
    base64urlToBytes(c.response.response.attestationObject) as Uint8Array,
    (m) => new Error(m),
  ) as Map<string, unknown>;
  const x5c = (attObj.get('attStmt') as Map<string, unknown>).get('x5c') as Uint8Array[];
  return parseCertificate(x5c[0] as Uint8Array);
}

const spec = aikOf('swa-reg-tpm-san-spec-compliant.json');
const nonCompliant = aikOf('swa-reg-tpm-san-non-compliant.json');

describe('checkAikCertificate', () => {
  it('reads both SAN layouts (three RDNs, or one RDN with three attributes)', () => {
    expect(checkAikCertificate(spec)).toEqual({
      manufacturer: 'id:53544D20',
      model: 'ST33HTPxAHA6',
      version: 'id:00470004',
    });
    expect(checkAikCertificate(nonCompliant)).toMatchObject({ manufacturer: 'id:4E544300', model: 'NPCT75x' });
  });
  it('rejects a certificate that is not v3', () => {
    expect(() => checkAikCertificate({ ...spec, version: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
  });
  it('rejects a non-empty subject', () => {
    expect(() => checkAikCertificate({ ...spec, subject: [{ type: '2.5.4.3', value: 'TPM' }] })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
  });
  it('rejects a missing SAN, and SANs without manufacturer, model or version', () => {
    expect(() => checkAikCertificate({ ...spec, subjectAltName: undefined })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
    const san = spec.subjectAltName ?? [];
    for (const oid of ['2.23.133.2.1', '2.23.133.2.2', '2.23.133.2.3']) {
      const without = san.map((name) => ({ ...name, directoryName: name.directoryName.filter((a) => a.type !== oid) }));
      expect(() => checkAikCertificate({ ...spec, subjectAltName: without })).toThrow(
        expect.objectContaining({ code: 'ERR_ATTESTATION' }),
      );
    }
    const twice = san.map((name) => ({ ...name, directoryName: [...name.directoryName, ...name.directoryName] }));
    expect(() => checkAikCertificate({ ...spec, subjectAltName: twice })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
  });
  it('rejects an unknown TPM manufacturer or a badly formed one', () => {
    for (const bad of ['id:12345678', 'STM', 'id:53544D2']) {
      const san = (spec.subjectAltName ?? []).map((name) => ({
        ...name,
        directoryName: name.directoryName.map((a) => (a.type === '2.23.133.2.1' ? { ...a, value: bad } : a)),
      }));
      expect(() => checkAikCertificate({ ...spec, subjectAltName: san })).toThrow(
        expect.objectContaining({ code: 'ERR_ATTESTATION' }),
      );
    }
  });
  it('rejects a missing or different extended key usage', () => {
    const noEku = new Map(spec.extensions);
    noEku.delete('2.5.29.37');
    expect(() => checkAikCertificate({ ...spec, extensions: noEku })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
    const otherEku = new Map(spec.extensions);
    // SEQUENCE { 1.3.6.1.5.5.7.3.2 (clientAuth) }
    otherEku.set('2.5.29.37', {
      oid: '2.5.29.37',
      critical: false,
      value: Uint8Array.of(0x30, 0x0a, 0x06, 0x08, 0x2b, 6, 1, 5, 5, 7, 3, 2),
    });
    expect(() => checkAikCertificate({ ...spec, extensions: otherEku })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
    const badEku = new Map(spec.extensions);
    badEku.set('2.5.29.37', { oid: '2.5.29.37', critical: false, value: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01) });
    expect(() => checkAikCertificate({ ...spec, extensions: badEku })).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    );
  });
  it('rejects a CA certificate, accepts an absent Basic Constraints', () => {
    expect(() => checkAikCertificate({ ...spec, basicConstraints: { cA: true } })).toThrow(
      expect.objectContaining({ code: 'ERR_ATTESTATION' }),
    );
    expect(checkAikCertificate({ ...spec, basicConstraints: undefined }).model).toBe('ST33HTPxAHA6');
  });
});

describe('checkAaguidExtension', () => {
  const aaguid = Uint8Array.from({ length: 16 }, (_, i) => i);
  const withExt = (value: Uint8Array, critical = false): ParsedCertificate => {
    const extensions = new Map(spec.extensions);
    extensions.set(FIDO_AAGUID_EXTENSION_OID, { oid: FIDO_AAGUID_EXTENSION_OID, critical, value });
    return { ...spec, extensions };
  };
  it('accepts an absent or equal extension', () => {
    expect(() => checkAaguidExtension(spec, aaguid, 'tpm')).not.toThrow();
    expect(() => checkAaguidExtension(withExt(Uint8Array.of(4, 16, ...aaguid)), aaguid, 'tpm')).not.toThrow();
  });
  it('rejects a different, critical or malformed extension', () => {
    const other = aaguid.slice();
    other[15] = 99;
    for (const cert of [
      withExt(Uint8Array.of(4, 16, ...other)),
      withExt(Uint8Array.of(4, 16, ...aaguid), true),
      withExt(Uint8Array.of(4, 15, ...aaguid.subarray(1))),
      withExt(Uint8Array.of(12, 16, ...aaguid)),
    ]) {
      expect(() => checkAaguidExtension(cert, aaguid, 'tpm')).toThrow(
        expect.objectContaining({ code: 'ERR_ATTESTATION' }),
      );
    }
  });
});
