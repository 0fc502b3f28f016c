/**
 * Certificate path validation (RFC 5280 §6, the parts attestation needs): validity of every
 * certificate at one instant, issuer/subject chaining, CA basic constraints and key usage of
 * issuers, path length, and every signature. Signatures go through the package's verifier, which
 * uses noble for curve/hash pairs WebCrypto refuses (a P-384 CA signing with ecdsa-with-SHA256).
 */
import { equalBytes } from '@keyward/internal';
import { parseSpki, type SignatureScheme, verifySignature } from '../crypto/verify.ts';
import { WebAuthnError } from '../errors.ts';
import { children, expectTlv, oidToString, readTlv, value } from '../internal/der.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';

const HASH_OF_OID: Readonly<Record<string, SignatureScheme['hash']>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

const SCHEME_OF_SIG_OID: Readonly<Record<string, SignatureScheme>> = {
  '1.2.840.10045.4.1': { type: 'ecdsa', hash: 'SHA-1' },
  '1.2.840.10045.4.3.2': { type: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { type: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { type: 'ecdsa', hash: 'SHA-512' },
  '1.2.840.113549.1.1.5': { type: 'pkcs1', hash: 'SHA-1' },
  '1.2.840.113549.1.1.11': { type: 'pkcs1', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { type: 'pkcs1', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { type: 'pkcs1', hash: 'SHA-512' },
  '1.3.101.112': { type: 'eddsa', hash: 'SHA-512' },
  '1.3.101.113': { type: 'eddsa', hash: 'SHA-512' },
};

function attestationError(message: string): WebAuthnError {
  return new WebAuthnError('ERR_ATTESTATION', message);
}

/** The scheme of an X.509 signature algorithm (RSASSA-PSS only with salt length = hash length). */
export function schemeOfCertificate(cert: ParsedCertificate): SignatureScheme | undefined {
  const known = SCHEME_OF_SIG_OID[cert.signatureAlgorithm];
  if (known) return known;
  if (cert.signatureAlgorithm !== '1.2.840.113549.1.1.10' || !cert.signatureAlgorithmParams) return undefined;
  // RSASSA-PSS-params (RFC 4055 §3.1): [0] hashAlgorithm, [1] maskGenAlgorithm, [2] saltLength.
  const p = cert.signatureAlgorithmParams;
  const seq = expectTlv(p, 0, 0x30, 'RSASSA-PSS-params');
  let hash: SignatureScheme['hash'] = 'SHA-1';
  let salt = 20;
  for (const item of children(p, seq)) {
    if (item.tag === 0xa0) {
      const alg = expectTlv(p, item.valueStart, 0x30, 'hashAlgorithm', item.end);
      const oid = readTlv(p, alg.valueStart, alg.end);
      const h = HASH_OF_OID[oidToString(value(p, oid))];
      if (!h) return undefined;
      hash = h;
    } else if (item.tag === 0xa2) {
      const int = expectTlv(p, item.valueStart, 0x02, 'saltLength', item.end);
      salt = 0;
      for (const b of value(p, int)) salt = salt * 256 + b;
    }
  }
  const lengths = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;
  return salt === lengths[hash] ? { type: 'pss', hash } : undefined;
}

/**
 * Whether `issuer`'s key signed `cert` (the signature over the TBSCertificate).
 *
 * @throws {@link WebAuthnError} `ERR_ATTESTATION` for an unsupported signature algorithm.
 */
export async function isSignedBy(cert: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> {
  const scheme = schemeOfCertificate(cert);
  if (!scheme) throw attestationError(`certificate signature algorithm ${cert.signatureAlgorithm} is not supported`);
  let material: ReturnType<typeof parseSpki>;
  try {
    material = parseSpki(issuer.spki);
  } catch {
    return false;
  }
  const fits =
    (material.type === 'ec' && scheme.type === 'ecdsa') ||
    (material.type === 'okp' && scheme.type === 'eddsa') ||
    (material.type === 'rsa' && (scheme.type === 'pkcs1' || scheme.type === 'pss'));
  if (!fits) return false;
  try {
    return await verifySignature(material, scheme, cert.tbs, cert.signature);
  } catch {
    return false;
  }
}

/**
 * Critical extensions an issuing certificate may carry here: the ones this validator processes
 * (basic constraints, key usage) and ones that do not restrict issuance in an attestation path
 * (certificate policies: no policy processing is done; extended key usage; subject alternative
 * name). Any other critical extension (name constraints, policy constraints, ...) fails the path
 * (RFC 5280 §6.1.4 (o)).
 */
const ISSUER_CRITICAL_OK: ReadonlySet<string> = /* @__PURE__ */ new Set([
  '2.5.29.19',
  '2.5.29.15',
  '2.5.29.32',
  '2.5.29.37',
  '2.5.29.17',
]);

function validAt(cert: ParsedCertificate, now: Date): boolean {
  const t = now.getTime();
  return cert.notBefore.getTime() <= t && t <= cert.notAfter.getTime();
}

function describe(cert: ParsedCertificate): string {
  const cn = cert.subject.find((a) => a.type === '2.5.4.3')?.value;
  return cn === undefined ? 'certificate' : `certificate "${cn}"`;
}

/** The result of a successful path validation. */
export interface ChainValidation {
  /** Whether the path reached one of the anchors. */
  readonly trusted: boolean;
  /** The anchor reached (when trusted). */
  readonly anchor: ParsedCertificate | undefined;
  /** The parsed path, leaf first. */
  readonly path: readonly ParsedCertificate[];
  /** The latest `notBefore` over the path and anchor: the validation holds from then ... */
  readonly validFrom: Date;
  /** ... until the earliest `notAfter`. */
  readonly validUntil: Date;
}

/**
 * Validates a certificate path (leaf first) at `now` and reports whether it reaches an anchor.
 * The path itself must be sound (each certificate valid at `now`, each one signed by the next,
 * issuers marked as CAs) or this throws; reaching no anchor is not an error here.
 *
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for an unparsable certificate, `ERR_ATTESTATION`
 * for an expired certificate, a broken link or an issuer that is not a CA.
 */
export async function validatePath(
  path: readonly (Uint8Array | ParsedCertificate)[],
  anchors: readonly ParsedCertificate[],
  now: Date,
): Promise<ChainValidation> {
  if (path.length === 0) throw attestationError('empty certificate path');
  if (path.length > 8) throw attestationError(`certificate path of ${path.length} is too long`);
  const certs = path.map((c) => (c instanceof Uint8Array ? parseCertificate(c) : c));
  let from = 0;
  let until = Number.POSITIVE_INFINITY;
  const span = (c: ParsedCertificate): void => {
    from = Math.max(from, c.notBefore.getTime());
    until = Math.min(until, c.notAfter.getTime());
  };
  const result = (trusted: boolean, anchor: ParsedCertificate | undefined): ChainValidation => ({
    trusted,
    anchor,
    path: certs,
    validFrom: new Date(from),
    validUntil: new Date(until),
  });
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i] as ParsedCertificate;
    if (!validAt(cert, now))
      throw attestationError(
        `${describe(cert)} (position ${i}) is not valid at ${now.toISOString()} (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`,
      );
    span(cert);
    // A path certificate that is itself an anchor ends the path.
    const same = anchors.find((a) => equalBytes(a.der, cert.der));
    if (same) return result(true, same);
    // Issued by an anchor?
    for (const anchor of anchors) {
      if (!equalBytes(anchor.subjectDer, cert.issuerDer) || !validAt(anchor, now)) continue;
      if (await isSignedBy(cert, anchor)) {
        span(anchor);
        return result(true, anchor);
      }
    }
    const next = certs[i + 1];
    if (!next) return result(false, undefined);
    if (!equalBytes(next.subjectDer, cert.issuerDer))
      throw attestationError(`certificate at position ${i + 1} is not the issuer of the one at position ${i}`);
    // RFC 5280 §6.1.4 (k), (l), (n): the issuer must be a CA, within its path length, allowed to sign certificates.
    if (next.version === 3 && next.basicConstraints?.cA !== true)
      throw attestationError(`${describe(next)} (position ${i + 1}) is not a CA`);
    const pathLen = next.basicConstraints?.pathLenConstraint;
    if (pathLen !== undefined && i > pathLen)
      throw attestationError(`${describe(next)} (position ${i + 1}) exceeds its path length constraint`);
    if (next.keyUsage && !next.keyUsage.has(5))
      throw attestationError(`${describe(next)} (position ${i + 1}) may not sign certificates`);
    for (const ext of next.extensions.values())
      if (ext.critical && !ISSUER_CRITICAL_OK.has(ext.oid))
        throw attestationError(
          `${describe(next)} (position ${i + 1}) has an unsupported critical extension ${ext.oid}`,
        );
    if (!(await isSignedBy(cert, next)))
      throw attestationError(`signature of the certificate at position ${i} does not verify with its issuer`);
  }
  return result(false, undefined);
}

/**
 * Validates `trustPath` (leaf first, DER) to one of `anchors` at instant `now`.
 *
 * @param trustPath - The x5c chain, leaf first.
 * @param anchors - Trust anchors (DER).
 * @param now - The instant every validity check uses.
 * @returns The validation, always `trusted: true`.
 * @throws {@link WebAuthnError} `ERR_ATTESTATION_UNTRUSTED` when the path reaches no anchor;
 * `ERR_ATTESTATION` when the path itself is invalid; `ERR_MALFORMED` for unparsable certificates.
 */
export async function verifyChain(trustPath: Uint8Array[], anchors: Uint8Array[], now: Date): Promise<ChainValidation> {
  const parsedAnchors = anchors.map((a) => parseCertificate(a));
  const out = await validatePath(trustPath, parsedAnchors, now);
  if (!out.trusted)
    throw new WebAuthnError('ERR_ATTESTATION_UNTRUSTED', 'the attestation certificate path reaches no trust anchor');
  return out;
}
