/** Test-only DER writer and certificate builder (node:crypto keys). */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(Uint8Array.of(tag, ...len), body);
}
export function int(bytes: Uint8Array): Uint8Array {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && ((b[1] as number) & 0x80) === 0) b = b.subarray(1);
  return tlv(0x02, (b[0] as number) & 0x80 ? concat(Uint8Array.of(0), b) : b);
}
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out = [(arcs[0] as number) * 40 + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}
export const seq = (...p: Uint8Array[]): Uint8Array => tlv(0x30, ...p);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const name = (attrs: [string, string][]): Uint8Array =>
  seq(...attrs.map(([t, v]) => tlv(0x31, seq(oid(t), tlv(t === '2.5.4.6' ? 0x13 : 0x0c, utf8(v))))));

function utcTime(d: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  if (y >= 2050)
    return tlv(
      0x18,
      utf8(
        `${y}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`,
      ),
    );
  return tlv(
    0x17,
    utf8(
      `${p(y % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`,
    ),
  );
}

export type CurveName = 'P-256' | 'P-384' | 'P-521';
export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  spki: Uint8Array;
  curve: CurveName;
}
export function ecKey(curve: CurveName = 'P-256'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return { privateKey, publicKey, spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), curve };
}
export { createPrivateKey };

const SIG_OID: Record<string, string> = {
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

export interface CertOptions {
  subject: [string, string][];
  issuer?: [string, string][];
  subjectKey: TestKey;
  issuerKey: TestKey;
  ca?: boolean;
  pathLen?: number;
  keyUsage?: number[];
  notBefore?: Date;
  notAfter?: Date;
  hash?: 'sha256' | 'sha384' | 'sha512';
  extraExtensions?: Uint8Array[];
  omitBasicConstraints?: boolean;
  version?: 1 | 3;
  serial?: number;
}

/** Extension `SEQUENCE { oid, [critical], OCTET STRING value }`. */
export function extension(id: string, value: Uint8Array, critical = false): Uint8Array {
  return critical ? seq(oid(id), tlv(0x01, Uint8Array.of(0xff)), tlv(0x04, value)) : seq(oid(id), tlv(0x04, value));
}

export function certificate(o: CertOptions): Uint8Array {
  const hash = o.hash ?? 'sha256';
  const sigAlg = seq(oid(SIG_OID[hash] as string));
  const validity = seq(
    utcTime(o.notBefore ?? new Date('2020-01-01T00:00:00Z')),
    utcTime(o.notAfter ?? new Date('2049-12-31T23:59:59Z')),
  );
  const exts: Uint8Array[] = [];
  if (!o.omitBasicConstraints) {
    const bc = o.ca
      ? seq(tlv(0x01, Uint8Array.of(0xff)), ...(o.pathLen !== undefined ? [int(Uint8Array.of(o.pathLen))] : []))
      : seq();
    exts.push(extension('2.5.29.19', bc, true));
  }
  if (o.keyUsage) {
    let bits = 0;
    for (const b of o.keyUsage) bits |= 0x80 >> b;
    exts.push(extension('2.5.29.15', tlv(0x03, Uint8Array.of(0, bits)), true));
  }
  exts.push(...(o.extraExtensions ?? []));
  const version = o.version ?? 3;
  const tbs = seq(
    ...(version === 3 ? [tlv(0xa0, int(Uint8Array.of(2)))] : []),
    int(Uint8Array.of(o.serial ?? 7)),
    sigAlg,
    name(o.issuer ?? o.subject),
    validity,
    name(o.subject),
    o.subjectKey.spki,
    ...(version === 3 && exts.length > 0 ? [tlv(0xa3, seq(...exts))] : []),
  );
  const signature = new Uint8Array(sign(hash, tbs, o.issuerKey.privateKey));
  return seq(tbs, sigAlg, tlv(0x03, Uint8Array.of(0), signature));
}

export const ROOT_NAME: [string, string][] = [
  ['2.5.4.6', 'US'],
  ['2.5.4.10', 'Keyward Test'],
  ['2.5.4.3', 'Keyward Test Root CA'],
];
export const BATCH_NAME: [string, string][] = [
  ['2.5.4.6', 'US'],
  ['2.5.4.10', 'Keyward Test'],
  ['2.5.4.11', 'Authenticator Attestation'],
  ['2.5.4.3', 'Keyward Test Batch'],
];
