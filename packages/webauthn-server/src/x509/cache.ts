/** A bounded cache of parsed certificates keyed by their exact DER bytes. Not public. */
import { bytesKey } from '../internal/bytes.ts';
import { LruCache } from '../internal/lru.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';

const parsed = /* @__PURE__ */ new LruCache<string, ParsedCertificate>(512);
const keys = /* @__PURE__ */ new WeakMap<Uint8Array, string>();

/** The exact-bytes cache key of a DER certificate (memoised per array object). */
export function derKey(der: Uint8Array): string {
  let key = keys.get(der);
  if (key === undefined) {
    key = bytesKey(der);
    keys.set(der, key);
  }
  return key;
}

/** {@link parseCertificate}, memoised by the certificate bytes. */
export function parseCertificateCached(der: Uint8Array): ParsedCertificate {
  if (!(der instanceof Uint8Array)) return parseCertificate(der);
  const key = derKey(der);
  let cert = parsed.get(key);
  if (!cert) {
    cert = parseCertificate(der);
    parsed.set(key, cert);
  }
  return cert;
}
