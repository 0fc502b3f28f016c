/**
 * The trust step of registration (WebAuthn L3 §7.1 steps 22-23) with the CONTRACT's semantics:
 * with no trust anchors and no metadata, a valid attestation is accepted and not trusted; once
 * anchors or metadata are configured, an x5c path that does not reach them is rejected
 * (`ERR_ATTESTATION_UNTRUSTED`) unless `allowUntrusted`; `self` and `none` stay accepted unless
 * `allowSelf` / `allowNone` is false. Every x5c path is validated at `now` in any case.
 */
import { base64urlToBytes, bytesToHex, equalBytes } from '@keyward/internal';
import { sha1 } from '@noble/hashes/legacy.js';
import type { AttestationFormatResult } from '../attestation/types.ts';
import { WebAuthnError } from '../errors.ts';
import { children, expectTlv, value } from '../internal/der.ts';
import { fail } from '../internal/errors.ts';
import { LruCache } from '../internal/lru.ts';
import { derKey, parseCertificateCached } from '../x509/cache.ts';
import type { ParsedCertificate } from '../x509/certificate.ts';
import { type ChainValidation, validatePath } from '../x509/chain.ts';
import { certificatesFromPemOrDer } from '../x509/pem.ts';
import { type MetadataEntryLike, type MetadataLookup, UNDESIRED_STATUSES } from './metadata.ts';

/** The trust policy of `verifyRegistrationResponse` (`attestation` option). */
export interface AttestationPolicy {
  /**
   * Trust anchors: DER bytes or PEM text. A configured anchor makes an x5c path that does not
   * reach it (or a metadata root) fail with `ERR_ATTESTATION_UNTRUSTED`.
   * @defaultValue `[]`
   */
  readonly trustAnchors?: readonly (Uint8Array | string)[];
  /**
   * FIDO metadata (a `MetadataStore`). Its entry for the AAGUID (or U2F key identifier) supplies
   * trust anchors, and a revoked/compromised status rejects the registration (`ERR_METADATA`).
   */
  readonly metadata?: MetadataLookup;
  /**
   * Accept x5c attestations that reach no configured anchor (reported `attestationTrusted: false`).
   * @defaultValue `false`
   */
  readonly allowUntrusted?: boolean;
  /**
   * Accept self attestation.
   * @defaultValue `true`
   */
  readonly allowSelf?: boolean;
  /**
   * Accept `none` attestation.
   * @defaultValue `true`
   */
  readonly allowNone?: boolean;
  /**
   * The instant for every time check: certificate validity, SafetyNet timestamps, metadata `nextUpdate`.
   * @defaultValue `new Date()` at the call
   */
  readonly now?: Date;
  /**
   * Remember validated certificate paths (bounded, keyed by the exact certificate and anchor
   * bytes, re-checked against the validity dates on every hit).
   * @defaultValue `true`
   */
  readonly cacheChains?: boolean;
}

/** Parsed anchors per option array, with the elements they were parsed from (re-parsed if the array changed). */
const anchorsByOption = /* @__PURE__ */ new WeakMap<
  object,
  { readonly from: readonly unknown[]; readonly parsed: ParsedCertificate[] }
>();
const anchorsByText = /* @__PURE__ */ new LruCache<string, ParsedCertificate[]>(256);
const chainCache = /* @__PURE__ */ new LruCache<string, ChainValidation>(1024);

function parseAnchorInput(anchor: Uint8Array | string): ParsedCertificate[] {
  if (typeof anchor === 'string') {
    let parsed = anchorsByText.get(anchor);
    if (!parsed) {
      parsed = certificatesFromPemOrDer(anchor).map(parseCertificateCached);
      anchorsByText.set(anchor, parsed);
    }
    return parsed;
  }
  return certificatesFromPemOrDer(anchor).map(parseCertificateCached);
}

function badAnchor(error: unknown): WebAuthnError {
  return new WebAuthnError(
    'ERR_BAD_OPTIONS',
    `attestation.trustAnchors holds an invalid certificate: ${(error as Error).message}`,
    {
      cause: error,
    },
  );
}

/** Parses `attestation.trustAnchors` (memoised per option array). @throws `ERR_BAD_OPTIONS`. */
export function resolveTrustAnchors(option: readonly (Uint8Array | string)[] | undefined): ParsedCertificate[] {
  if (option === undefined) return [];
  if (!Array.isArray(option)) throw new WebAuthnError('ERR_BAD_OPTIONS', 'attestation.trustAnchors must be an array');
  const memo = anchorsByOption.get(option);
  if (memo && memo.from.length === option.length && memo.from.every((v, i) => v === option[i])) return memo.parsed;
  let parsed: ParsedCertificate[];
  try {
    parsed = option.flatMap(parseAnchorInput);
  } catch (error) {
    throw (error as WebAuthnError).code === 'ERR_BAD_OPTIONS' ? error : badAnchor(error);
  }
  anchorsByOption.set(option, { from: [...option], parsed });
  return parsed;
}

/** Lower-case hex SHA-1 of a certificate's subjectPublicKey bits (FIDO U2F key identifier). */
export function certificateKeyIdentifier(cert: ParsedCertificate): string {
  const spki = cert.spki;
  const seq = expectTlv(spki, 0, 0x30, 'SubjectPublicKeyInfo');
  const bits = children(spki, seq)[1];
  if (!bits) throw fail('ERR_MALFORMED', 'SubjectPublicKeyInfo without a key');
  return bytesToHex(sha1(value(spki, bits).subarray(1)));
}

function metadataEntry(
  metadata: MetadataLookup,
  aaguid: string,
  trustPath: readonly Uint8Array[],
  now: Date,
): MetadataEntryLike | undefined {
  let entry: MetadataEntryLike | undefined;
  try {
    if (aaguid !== '00000000-0000-0000-0000-000000000000') entry = metadata.getEntryByAaguid(aaguid, now);
    if (!entry && trustPath[0] && metadata.getEntryByCertificateKeyIdentifier)
      entry = metadata.getEntryByCertificateKeyIdentifier(
        certificateKeyIdentifier(parseCertificateCached(trustPath[0])),
        now,
      );
  } catch (error) {
    if (error instanceof WebAuthnError || (error as Error)?.name === 'WebAuthnError') throw error;
    throw new WebAuthnError('ERR_METADATA', `metadata lookup failed: ${(error as Error)?.message}`, { cause: error });
  }
  return entry;
}

function checkStatus(entry: MetadataEntryLike, trustPath: readonly Uint8Array[]): void {
  for (const report of entry.statusReports ?? []) {
    if (!UNDESIRED_STATUSES.has(report.status)) continue;
    if (report.status === 'ATTESTATION_KEY_COMPROMISE' && report.certificate) {
      // Only the named certificate is compromised.
      const der = base64urlToBytes(report.certificate.replace(/\s+/g, ''));
      if (der && !trustPath.some((c) => equalBytes(c, der))) continue;
    }
    throw fail('ERR_METADATA', `the authenticator's metadata status is ${report.status}`);
  }
}

function metadataAnchors(entry: MetadataEntryLike): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const b64 of entry.metadataStatement?.attestationRootCertificates ?? []) {
    const der = typeof b64 === 'string' ? base64urlToBytes(b64.replace(/\s+/g, '')) : undefined;
    if (!der) throw fail('ERR_METADATA', 'a metadata attestationRootCertificate is not base64');
    try {
      out.push(parseCertificateCached(der));
    } catch (cause) {
      throw fail('ERR_METADATA', 'a metadata attestationRootCertificate is not a certificate', cause);
    }
  }
  return out;
}

async function validateCached(
  trustPath: readonly Uint8Array[],
  anchors: readonly ParsedCertificate[],
  now: Date,
  cache: boolean,
): Promise<ChainValidation> {
  if (!cache) return validatePath(trustPath, anchors, now);
  let key = '';
  for (const a of anchors) key += `${derKey(a.der)}\u0001`;
  key += '\u0002';
  for (const c of trustPath) key += `${derKey(c)}\u0001`;
  const hit = chainCache.get(key);
  const t = now.getTime();
  if (hit && hit.validFrom.getTime() <= t && t <= hit.validUntil.getTime()) return hit;
  const fresh = await validatePath(trustPath, anchors, now);
  // An untrusted verdict may depend on an anchor's own validity at `now`, which the span of the
  // path does not cover: only verdicts that cannot change within the span are remembered.
  if (fresh.trusted || anchors.length === 0) chainCache.set(key, fresh);
  return fresh;
}

/** The verdict of the trust step. */
export interface TrustVerdict {
  /** Whether the attestation reached a configured anchor or metadata root. */
  readonly attestationTrusted: boolean;
}

/**
 * Applies the trust policy to a format verifier's result.
 *
 * @throws {@link WebAuthnError} `ERR_ATTESTATION_UNTRUSTED` per the policy, `ERR_ATTESTATION`
 * for an invalid path, `ERR_METADATA` for a revoked/compromised authenticator.
 */
export async function evaluateTrust(
  result: AttestationFormatResult,
  aaguid: string,
  policy: AttestationPolicy | undefined,
  now: Date,
): Promise<TrustVerdict> {
  const p = policy ?? {};
  // Resolve the anchors first: an invalid anchor is the caller's error whatever the attestation.
  const configuredAnchors = resolveTrustAnchors(p.trustAnchors);
  if (result.attestationType === 'none') {
    if (p.allowNone === false) throw fail('ERR_ATTESTATION_UNTRUSTED', '"none" attestation is not allowed');
    return { attestationTrusted: false };
  }
  let anchors = configuredAnchors;
  if (p.metadata) {
    const entry = metadataEntry(p.metadata, aaguid, result.trustPath, now);
    if (entry) {
      checkStatus(entry, result.trustPath);
      const roots = metadataAnchors(entry);
      if (roots.length > 0) anchors = [...configuredAnchors, ...roots];
    }
  }
  if (result.attestationType === 'self' || result.trustPath.length === 0) {
    if (p.allowSelf === false) throw fail('ERR_ATTESTATION_UNTRUSTED', 'self attestation is not allowed');
    return { attestationTrusted: false };
  }
  const configured = configuredAnchors.length > 0 || p.metadata !== undefined;
  const validation = await validateCached(result.trustPath, anchors, now, p.cacheChains !== false);
  if (!validation.trusted && configured && p.allowUntrusted !== true)
    throw fail(
      'ERR_ATTESTATION_UNTRUSTED',
      'the attestation certificate path reaches no configured trust anchor or metadata root',
    );
  return { attestationTrusted: validation.trusted };
}
