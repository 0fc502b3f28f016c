/**
 * Internal: the authenticator's own attestation PKI, built with pkijs and signed with noble:
 * a self-signed root CA and a batch attestation certificate that meets WebAuthn §8.2.1 (packed)
 * and FIDO U2F requirements (X.509 v3, P-256, OU "Authenticator Attestation", CA false, the FIDO
 * AAGUID extension 1.3.6.1.4.1.45724.1.1.4).
 */

import { concatBytes, hexToBytes } from '@keyward/internal';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { generatePrivateKey, p256PublicKey, type RandomSource } from './keys.ts';

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  fidoAaguid: '1.3.6.1.4.1.45724.1.1.4',
} as const;

// DER prefix of a P-256 SubjectPublicKeyInfo, followed by the 65-byte uncompressed point.
const P256_SPKI_PREFIX = hexToBytes('3059301306072a8648ce3d020106082a8648ce3d030107034200') as Uint8Array;

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function name(parts: [string, string][]): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (pkijs alone would put them all in one multi-valued RDN).
  const sequence = new asn1js.Sequence({
    value: parts.map(
      ([type, value]) =>
        new asn1js.Set({
          value: [
            new pkijs.AttributeTypeAndValue({
              type,
              value: type === OID.country ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
            }).toSchema(),
          ],
        }),
    ),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(sequence.toBER(false));
}

function keyIdentifier(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).slice(0, 20);
}

interface IssueOptions {
  serial: Uint8Array;
  subject: [string, string][];
  issuer: pkijs.RelativeDistinguishedNames;
  subjectPublicKey: Uint8Array;
  issuerPublicKey: Uint8Array;
  issuerPrivateKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  aaguid?: Uint8Array;
}

function issue(options: IssueOptions): Uint8Array {
  const cert = new pkijs.Certificate();
  cert.version = 2; // X.509 v3
  const serial = options.serial.slice();
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01; // positive, no leading zero
  cert.serialNumber = new asn1js.Integer({ valueHex: buffer(serial) });
  cert.issuer = options.issuer;
  cert.subject = name(options.subject);
  cert.notBefore.value = options.notBefore;
  cert.notAfter.value = options.notAfter;
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(
    buffer(concatBytes(P256_SPKI_PREFIX, options.subjectPublicKey)),
  );
  const extensions: pkijs.Extension[] = [
    new pkijs.Extension({
      extnID: OID.basicConstraints,
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: options.ca }).toSchema().toBER(false),
    }),
    new pkijs.Extension({
      extnID: OID.keyUsage,
      critical: true,
      // digitalSignature (bit 0) for the batch key; keyCertSign + cRLSign (bits 5, 6) for the CA.
      extnValue: new asn1js.BitString({
        valueHex: buffer(new Uint8Array([options.ca ? 0x06 : 0x80])),
        unusedBits: options.ca ? 1 : 7,
      }).toBER(false),
    }),
    new pkijs.Extension({
      extnID: OID.subjectKeyIdentifier,
      critical: false,
      extnValue: new asn1js.OctetString({ valueHex: buffer(keyIdentifier(options.subjectPublicKey)) }).toBER(false),
    }),
  ];
  if (!options.ca) {
    extensions.push(
      new pkijs.Extension({
        extnID: OID.authorityKeyIdentifier,
        critical: false,
        extnValue: new pkijs.AuthorityKeyIdentifier({
          keyIdentifier: new asn1js.OctetString({ valueHex: buffer(keyIdentifier(options.issuerPublicKey)) }),
        })
          .toSchema()
          .toBER(false),
      }),
    );
  }
  if (options.aaguid) {
    // WebAuthn §8.2.1: extension value is an OCTET STRING holding the 16-byte AAGUID; not critical.
    extensions.push(
      new pkijs.Extension({
        extnID: OID.fidoAaguid,
        critical: false,
        extnValue: new asn1js.OctetString({ valueHex: buffer(options.aaguid) }).toBER(false),
      }),
    );
  }
  cert.extensions = extensions;
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
  cert.signature = algorithm;
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  const signature = p256.sign(tbs, options.issuerPrivateKey, { format: 'der' });
  cert.signatureValue = new asn1js.BitString({ valueHex: buffer(signature) });
  cert.tbsView = new Uint8Array(buffer(tbs));
  return new Uint8Array(cert.toSchema(false).toBER(false));
}

/** A root CA (certificate and key) that can issue batch attestation certificates. */
export interface AttestationRoot {
  certificate: Uint8Array;
  privateKey: Uint8Array;
}

/** A batch attestation key and its certificate. */
export interface AttestationBatch {
  certificate: Uint8Array;
  privateKey: Uint8Array;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
// pkijs writes UTCTime, which ends with 2049 (RFC 5280 §4.1.2.5).
const UTC_TIME_END = Date.UTC(2049, 11, 31, 23, 59, 59);

function until(now: Date, years: number): Date {
  return new Date(Math.min(now.getTime() + years * YEAR_MS, UTC_TIME_END));
}

/** Generates a self-signed P-256 root CA for attestation. */
export function createAttestationRoot(random: RandomSource, now: Date, commonName: string): AttestationRoot {
  const privateKey = generatePrivateKey(-7, random);
  const publicKey = p256PublicKey(privateKey);
  const dn: [string, string][] = [
    [OID.country, 'US'],
    [OID.organization, 'Keyward'],
    [OID.organizationalUnit, 'Keyward Virtual Authenticator CA'],
    [OID.commonName, commonName],
  ];
  const certificate = issue({
    serial: random(16),
    subject: dn,
    issuer: name(dn),
    subjectPublicKey: publicKey,
    issuerPublicKey: publicKey,
    issuerPrivateKey: privateKey,
    notBefore: new Date(now.getTime() - 24 * 3600 * 1000),
    notAfter: until(now, 20),
    ca: true,
  });
  return { certificate, privateKey };
}

/** Issues a batch attestation certificate for `aaguid` under `root`. */
export function issueAttestationBatch(
  root: AttestationRoot,
  aaguid: Uint8Array,
  random: RandomSource,
  now: Date,
): AttestationBatch {
  const privateKey = generatePrivateKey(-7, random);
  const certificate = issue({
    serial: random(16),
    subject: [
      [OID.country, 'US'],
      [OID.organization, 'Keyward'],
      [OID.organizationalUnit, 'Authenticator Attestation'],
      [OID.commonName, 'Keyward Virtual Authenticator Batch'],
    ],
    issuer: pkijs.Certificate.fromBER(buffer(root.certificate)).subject,
    subjectPublicKey: p256PublicKey(privateKey),
    issuerPublicKey: p256PublicKey(root.privateKey),
    issuerPrivateKey: root.privateKey,
    notBefore: new Date(now.getTime() - 24 * 3600 * 1000),
    notAfter: until(now, 15),
    ca: false,
    aaguid,
  });
  return { certificate, privateKey };
}
