/**
 * X.509 certificate parsing (RFC 5280 §4.1): a strict, lean DER walk that reads exactly what
 * attestation verification needs. pkijs is available on demand (`toPkijs()`) behind the same seam.
 * Any parse failure is `ERR_MALFORMED`.
 */
import { fromBER } from 'asn1js';
import { Certificate } from 'pkijs';
import { children, expectTlv, oidToString, readTlv, type Tlv, value } from '../internal/der.ts';
import { guard, malformed } from '../internal/errors.ts';

/** One attribute of a distinguished name, e.g. `{ type: '2.5.4.11', value: 'Authenticator Attestation' }`. */
export interface NameAttribute {
  /** Attribute type OID (2.5.4.3 CN, 2.5.4.6 C, 2.5.4.10 O, 2.5.4.11 OU, ...). */
  readonly type: string;
  /** The attribute value decoded as a string (UTF8/Printable/IA5/Teletex/BMP/Universal). */
  readonly value: string;
}

/** One certificate extension. */
export interface CertificateExtension {
  /** Extension OID. */
  readonly oid: string;
  /** The `critical` flag. */
  readonly critical: boolean;
  /** The extnValue OCTET STRING contents (the DER of the extension's own structure). */
  readonly value: Uint8Array;
}

/** A general name from a SubjectAltName extension (RFC 5280 §4.2.1.6). */
export interface GeneralName {
  /** The context tag number (1 rfc822Name, 2 dNSName, 4 directoryName, 6 URI, 7 iPAddress, ...). */
  readonly tag: number;
  /** Text for string forms; empty otherwise. */
  readonly text: string;
  /** Attributes of a directoryName (flattened over its RDNs); empty otherwise. */
  readonly directoryName: readonly NameAttribute[];
  /** The raw value bytes. */
  readonly raw: Uint8Array;
}

/** A parsed certificate. Every byte array is a view into (or copy of) the original DER. */
export interface ParsedCertificate {
  /** The whole certificate DER. */
  readonly der: Uint8Array;
  /** X.509 version as written (1, 2 or 3). */
  readonly version: number;
  /** Serial number bytes. */
  readonly serialNumber: Uint8Array;
  /** The DER of the signed part (TBSCertificate). */
  readonly tbs: Uint8Array;
  /** Signature algorithm OID (outer). */
  readonly signatureAlgorithm: string;
  /** The DER of the signature AlgorithmIdentifier's parameters, when present. */
  readonly signatureAlgorithmParams: Uint8Array | undefined;
  /** The signature bytes (BIT STRING content without the unused-bits byte). */
  readonly signature: Uint8Array;
  /** DER of the issuer Name. */
  readonly issuerDer: Uint8Array;
  /** DER of the subject Name. */
  readonly subjectDer: Uint8Array;
  /** Issuer attributes in order (RDNs flattened). */
  readonly issuer: readonly NameAttribute[];
  /** Subject attributes in order (RDNs flattened). */
  readonly subject: readonly NameAttribute[];
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** DER of the SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** Extensions by OID. */
  readonly extensions: ReadonlyMap<string, CertificateExtension>;
  /**
   * Basic Constraints, or `undefined` when the extension is absent. A DER-invalid encoding of
   * the default (`cA FALSE` written out, as Chrome's virtual authenticator does) is read as BER.
   */
  readonly basicConstraints: { readonly cA: boolean; readonly pathLenConstraint?: number } | undefined;
  /** Key Usage bits (bit 0 = digitalSignature ... bit 5 = keyCertSign), or `undefined` when absent. */
  readonly keyUsage: ReadonlySet<number> | undefined;
  /** Subject Alternative Names, or `undefined` when absent. */
  readonly subjectAltName: readonly GeneralName[] | undefined;
  /** Parses the same DER with pkijs (for callers that need its full model); `ERR_MALFORMED` on failure. */
  toPkijs(): Certificate;
}

function decodeString(bytes: Uint8Array, tlv: Tlv): string {
  const v = value(bytes, tlv);
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return new TextDecoder('utf-8', { fatal: true }).decode(v);
    case 0x1e: {
      // BMPString (UTF-16BE)
      let out = '';
      for (let i = 0; i + 1 < v.length; i += 2)
        out += String.fromCharCode(((v[i] as number) << 8) | (v[i + 1] as number));
      return out;
    }
    case 0x1c: {
      // UniversalString (UTF-32BE)
      let out = '';
      for (let i = 0; i + 3 < v.length; i += 4) {
        const cp =
          (((v[i] as number) << 24) |
            ((v[i + 1] as number) << 16) |
            ((v[i + 2] as number) << 8) |
            (v[i + 3] as number)) >>>
          0;
        if (cp > 0x10ffff) throw malformed('X.509: invalid UniversalString code point');
        out += String.fromCodePoint(cp);
      }
      return out;
    }
    default: {
      // PrintableString, IA5String, TeletexString, VisibleString, NumericString: single bytes.
      let out = '';
      for (const b of v) out += String.fromCharCode(b);
      return out;
    }
  }
}

function parseName(bytes: Uint8Array, name: Tlv): NameAttribute[] {
  if (name.tag !== 0x30) throw malformed('X.509: Name must be a SEQUENCE');
  const out: NameAttribute[] = [];
  for (const rdn of children(bytes, name)) {
    if (rdn.tag !== 0x31) throw malformed('X.509: RDN must be a SET');
    for (const atv of children(bytes, rdn)) {
      const [type, val] = atv.tag === 0x30 ? children(bytes, atv) : [];
      if (!type || !val || type.tag !== 0x06) throw malformed('X.509: bad AttributeTypeAndValue');
      out.push({ type: oidToString(value(bytes, type)), value: decodeString(bytes, val) });
    }
  }
  return out;
}

function digits(v: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = (v[i] as number) - 48;
    if (c < 0 || c > 9) throw malformed('X.509: bad time digit');
    n = n * 10 + c;
  }
  return n;
}

function parseTime(bytes: Uint8Array, tlv: Tlv): Date {
  const v = value(bytes, tlv);
  let year: number;
  let pos: number;
  if (tlv.tag === 0x17) {
    // UTCTime YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1: YY >= 50 → 19YY).
    if (v.length !== 13 || v[12] !== 0x5a) throw malformed('X.509: UTCTime must be YYMMDDHHMMSSZ');
    const yy = digits(v, 0, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    pos = 2;
  } else if (tlv.tag === 0x18) {
    // GeneralizedTime YYYYMMDDHHMMSS[.fff]Z.
    if (v.length < 15 || v[v.length - 1] !== 0x5a) throw malformed('X.509: GeneralizedTime must end in Z');
    year = digits(v, 0, 4);
    pos = 4;
  } else throw malformed('X.509: validity time must be UTCTime or GeneralizedTime');
  const month = digits(v, pos, 2);
  const day = digits(v, pos + 2, 2);
  const hour = digits(v, pos + 4, 2);
  const minute = digits(v, pos + 6, 2);
  const second = digits(v, pos + 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    throw malformed('X.509: time out of range');
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function parseBasicConstraints(v: Uint8Array): { cA: boolean; pathLenConstraint?: number } {
  const seq = expectTlv(v, 0, 0x30, 'BasicConstraints');
  let cA = false;
  let pathLenConstraint: number | undefined;
  for (const item of children(v, seq)) {
    if (item.tag === 0x01) {
      const b = value(v, item);
      if (b.length !== 1) throw malformed('X.509: bad BOOLEAN in BasicConstraints');
      cA = b[0] !== 0; // BER: any non-zero is TRUE; an explicit FALSE (DER-invalid) is tolerated.
    } else if (item.tag === 0x02) {
      const b = value(v, item);
      if (b.length === 0 || b.length > 4 || ((b[0] as number) & 0x80) !== 0)
        throw malformed('X.509: bad pathLenConstraint');
      pathLenConstraint = 0;
      for (const x of b) pathLenConstraint = pathLenConstraint * 256 + x;
    } else throw malformed('X.509: unexpected element in BasicConstraints');
  }
  return pathLenConstraint === undefined ? { cA } : { cA, pathLenConstraint };
}

function parseKeyUsage(v: Uint8Array): Set<number> {
  const bits = expectTlv(v, 0, 0x03, 'KeyUsage');
  const b = value(v, bits);
  if (b.length < 1) throw malformed('X.509: empty KeyUsage');
  const out = new Set<number>();
  for (let i = 1; i < b.length; i++)
    for (let bit = 0; bit < 8; bit++) if (((b[i] as number) >> (7 - bit)) & 1) out.add((i - 1) * 8 + bit);
  return out;
}

function parseSan(v: Uint8Array): GeneralName[] {
  const seq = expectTlv(v, 0, 0x30, 'SubjectAltName');
  return children(v, seq).map((gn) => {
    const tag = gn.tag & 0x1f;
    const raw = value(v, gn);
    let text = '';
    let directoryName: NameAttribute[] = [];
    if (tag === 1 || tag === 2 || tag === 6) for (const b of raw) text += String.fromCharCode(b);
    else if (tag === 4) {
      // directoryName is EXPLICIT: [4] { Name }.
      const name = readTlv(v, gn.valueStart, gn.end);
      directoryName = parseName(v, name);
    }
    return { tag, text, directoryName, raw };
  });
}

function parse(der: Uint8Array): ParsedCertificate {
  const cert = expectTlv(der, 0, 0x30, 'Certificate');
  if (cert.end !== der.length) throw malformed(`X.509: ${der.length - cert.end} trailing bytes after the certificate`);
  const [tbsT, sigAlgT, sigT, ...rest] = children(der, cert);
  if (!tbsT || !sigAlgT || !sigT || rest.length > 0 || tbsT.tag !== 0x30 || sigAlgT.tag !== 0x30 || sigT.tag !== 0x03)
    throw malformed('X.509: Certificate must be SEQUENCE { tbs, signatureAlgorithm, signature }');
  const tbsItems = children(der, tbsT);
  let i = 0;
  let version = 1;
  if (tbsItems[0]?.tag === 0xa0) {
    const vInt = expectTlv(der, tbsItems[0].valueStart, 0x02, 'version', tbsItems[0].end);
    const vb = value(der, vInt);
    if (vb.length !== 1 || (vb[0] as number) > 2) throw malformed('X.509: bad version');
    version = (vb[0] as number) + 1;
    i = 1;
  }
  const serialT = tbsItems[i++];
  const innerSigAlg = tbsItems[i++];
  const issuerT = tbsItems[i++];
  const validityT = tbsItems[i++];
  const subjectT = tbsItems[i++];
  const spkiT = tbsItems[i++];
  if (
    !serialT ||
    !innerSigAlg ||
    !issuerT ||
    !validityT ||
    !subjectT ||
    !spkiT ||
    serialT.tag !== 0x02 ||
    validityT.tag !== 0x30 ||
    spkiT.tag !== 0x30
  )
    throw malformed('X.509: incomplete TBSCertificate');
  const [nbT, naT, ...vRest] = children(der, validityT);
  if (!nbT || !naT || vRest.length > 0) throw malformed('X.509: bad Validity');
  const extensions = new Map<string, CertificateExtension>();
  for (; i < tbsItems.length; i++) {
    const item = tbsItems[i] as Tlv;
    if (item.tag === 0x81 || item.tag === 0x82) continue; // issuer/subject unique IDs
    if (item.tag !== 0xa3) throw malformed(`X.509: unexpected TBSCertificate element 0x${item.tag.toString(16)}`);
    if (version !== 3) throw malformed('X.509: extensions in a certificate that is not v3');
    const list = expectTlv(der, item.valueStart, 0x30, 'Extensions', item.end);
    for (const ext of children(der, list)) {
      const parts = ext.tag === 0x30 ? children(der, ext) : [];
      const oidT = parts[0];
      let critical = false;
      let valT = parts[1];
      if (parts.length === 3 && parts[1]?.tag === 0x01) {
        const cb = value(der, parts[1]);
        critical = cb.length === 1 && cb[0] !== 0;
        valT = parts[2];
      }
      if (!oidT || !valT || oidT.tag !== 0x06 || valT.tag !== 0x04 || parts.length > 3)
        throw malformed('X.509: bad Extension');
      const oid = oidToString(value(der, oidT));
      if (extensions.has(oid)) throw malformed(`X.509: duplicate extension ${oid}`);
      extensions.set(oid, { oid, critical, value: value(der, valT) });
    }
  }
  const sigAlgParts = children(der, sigAlgT);
  if (sigAlgParts[0]?.tag !== 0x06) throw malformed('X.509: bad signatureAlgorithm');
  const sigBits = value(der, sigT);
  if (sigBits.length < 1 || sigBits[0] !== 0) throw malformed('X.509: bad signature BIT STRING');
  const bc = extensions.get('2.5.29.19');
  const ku = extensions.get('2.5.29.15');
  const san = extensions.get('2.5.29.17');
  const sigParams = sigAlgParts[1];
  return {
    der,
    version,
    serialNumber: value(der, serialT),
    tbs: der.subarray(tbsT.start, tbsT.end),
    signatureAlgorithm: oidToString(value(der, sigAlgParts[0])),
    signatureAlgorithmParams: sigParams ? der.subarray(sigParams.start, sigParams.end) : undefined,
    signature: sigBits.subarray(1),
    issuerDer: der.subarray(issuerT.start, issuerT.end),
    subjectDer: der.subarray(subjectT.start, subjectT.end),
    issuer: parseName(der, issuerT),
    subject: parseName(der, subjectT),
    notBefore: parseTime(der, nbT),
    notAfter: parseTime(der, naT),
    spki: der.subarray(spkiT.start, spkiT.end),
    extensions,
    basicConstraints: bc ? parseBasicConstraints(bc.value) : undefined,
    keyUsage: ku ? parseKeyUsage(ku.value) : undefined,
    subjectAltName: san ? parseSan(san.value) : undefined,
    toPkijs(): Certificate {
      return guard('X.509 (pkijs)', () => {
        const asn = fromBER(new Uint8Array(der));
        if (asn.offset === -1) throw malformed(`X.509 (pkijs): ${asn.result.error}`);
        return new Certificate({ schema: asn.result });
      });
    },
  };
}

/**
 * Parses a DER X.509 certificate into a typed view.
 *
 * @param der - The certificate DER (nothing after it).
 * @returns The parsed view.
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for anything that is not a well-formed certificate.
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  if (!(der instanceof Uint8Array)) throw malformed('X.509: certificate must be a Uint8Array');
  return guard('X.509', () => parse(der));
}

/** Text of the first subject attribute of `type`, or `undefined`. */
export function subjectAttribute(cert: ParsedCertificate, type: string): string | undefined {
  return cert.subject.find((a) => a.type === type)?.value;
}

/** Well-known attribute type OIDs. */
export const NAME_OID: { readonly CN: string; readonly C: string; readonly O: string; readonly OU: string } = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
};
