/**
 * Test support only (never exported from the package entry): a tiny certificate authority on
 * WebCrypto that issues DER certificates with arbitrary extensions, so tests of the attestation
 * formats and of the metadata BLOB can build their own chains. Nothing here runs on import.
 */
import { concatBytes } from '@keyward/internal';
import { derSignatureToP1363, encodeOid, encodeTlv, encodeUnsignedInteger } from '../internal/der.ts';

type Subtle = typeof globalThis.crypto.subtle;
type KeyPair = Awaited<ReturnType<Subtle['generateKey']>> & { privateKey: unknown; publicKey: unknown };
type Key = Parameters<Subtle['sign']>[1];

/** A key pair with its SPKI. */
export interface TestKey {
  /** Signs with ECDSA P-256/SHA-256 (DER) or RSASSA-PKCS1-v1_5/SHA-256. */
  readonly sign: (data: Uint8Array) => Promise<Uint8Array>;
  /** The DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** `'ec'` (P-256) or `'rsa'` (2048). */
  readonly type: 'ec' | 'rsa';
  /** The uncompressed point (EC) or the JWK `n`/`e` (RSA), for building COSE keys. */
  readonly jwk: { readonly x?: string; readonly y?: string; readonly n?: string; readonly e?: string };
}

/** One extension to put in a certificate. */
export interface TestExtension {
  /** The extension OID. */
  readonly oid: string;
  /** The DER of the extension value (wrapped in the extnValue OCTET STRING here). */
  readonly value: Uint8Array;
  /** The critical flag. */
  readonly critical?: boolean;
}

/** What to put in a certificate. */
export interface TestCertificateOptions {
  /** The subject's key. */
  readonly subjectKey: TestKey;
  /** Subject attributes as `[oid, value]` (UTF8String); empty for an empty subject. */
  readonly subject: ReadonlyArray<readonly [string, string]>;
  /** The issuer's key (self-signed when it is the subject key). */
  readonly issuerKey: TestKey;
  /** Issuer attributes. */
  readonly issuer: ReadonlyArray<readonly [string, string]>;
  /** Validity start. */
  readonly notBefore?: Date;
  /** Validity end. */
  readonly notAfter?: Date;
  /** Extensions. */
  readonly extensions?: readonly TestExtension[];
  /** A CA certificate (adds Basic Constraints cA TRUE and keyCertSign). */
  readonly ca?: boolean;
  /** Serial number. */
  readonly serial?: number;
}

const subtle = (): Subtle => globalThis.crypto.subtle;

/** Generates an ECDSA P-256 or RSA-2048 key. */
export async function generateTestKey(type: 'ec' | 'rsa' = 'ec'): Promise<TestKey> {
  const algorithm =
    type === 'ec'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const pair = (await subtle().generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair;
  const spki = new Uint8Array(await subtle().exportKey('spki', pair.publicKey as Key));
  const jwk = (await subtle().exportKey('jwk', pair.publicKey as Key)) as TestKey['jwk'];
  const sign = async (data: Uint8Array): Promise<Uint8Array> => {
    const params = type === 'ec' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
    const raw = new Uint8Array(await subtle().sign(params, pair.privateKey as Key, new Uint8Array(data)));
    if (type === 'rsa') return raw;
    return encodeTlv(0x30, encodeUnsignedInteger(raw.subarray(0, 32)), encodeUnsignedInteger(raw.subarray(32)));
  };
  return { sign, spki, type, jwk };
}

/** A DER Name from `[oid, value]` pairs, one RDN each. */
export function encodeName(attributes: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  return encodeTlv(
    0x30,
    ...attributes.map(([oid, value]) => encodeTlv(0x31, encodeTlv(0x30, encodeOid(oid), encodeTlv(0x0c, utf8(value))))),
  );
}

function utcTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return encodeTlv(0x17, new TextEncoder().encode(text));
}

/** Issues a DER X.509 v3 certificate. */
export async function issueTestCertificate(options: TestCertificateOptions): Promise<Uint8Array> {
  const sigAlg =
    options.issuerKey.type === 'ec'
      ? encodeTlv(0x30, encodeOid('1.2.840.10045.4.3.2'))
      : encodeTlv(0x30, encodeOid('1.2.840.113549.1.1.11'), Uint8Array.of(0x05, 0x00));
  const extensions: TestExtension[] = [...(options.extensions ?? [])];
  if (options.ca) {
    extensions.push({ oid: '2.5.29.19', critical: true, value: encodeTlv(0x30, Uint8Array.of(0x01, 0x01, 0xff)) });
    extensions.push({ oid: '2.5.29.15', critical: true, value: Uint8Array.of(0x03, 0x02, 0x01, 0x06) });
  }
  const encodedExtensions = extensions.map((ext) =>
    encodeTlv(
      0x30,
      encodeOid(ext.oid),
      ...(ext.critical ? [Uint8Array.of(0x01, 0x01, 0xff)] : []),
      encodeTlv(0x04, ext.value),
    ),
  );
  const tbs = encodeTlv(
    0x30,
    encodeTlv(0xa0, Uint8Array.of(0x02, 0x01, 0x02)),
    encodeUnsignedInteger(Uint8Array.of((options.serial ?? 1) & 0x7f)),
    sigAlg,
    encodeName(options.issuer),
    encodeTlv(
      0x30,
      utcTime(options.notBefore ?? new Date('2020-01-01T00:00:00Z')),
      utcTime(options.notAfter ?? new Date('2040-01-01T00:00:00Z')),
    ),
    encodeName(options.subject),
    options.subjectKey.spki,
    ...(encodedExtensions.length > 0 ? [encodeTlv(0xa3, encodeTlv(0x30, ...encodedExtensions))] : []),
  );
  const signature = await options.issuerKey.sign(tbs);
  return encodeTlv(0x30, tbs, sigAlg, encodeTlv(0x03, concatBytes(Uint8Array.of(0), signature)));
}

/** Converts a DER ECDSA P-256 signature to the JWS `r || s` form. */
export function derToJwsSignature(der: Uint8Array): Uint8Array {
  return derSignatureToP1363(der, 32);
}

/** PEM armour of a DER certificate. */
export function toPem(der: Uint8Array): string {
  let binary = '';
  for (const b of der) binary += String.fromCharCode(b);
  const body = btoa(binary).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
