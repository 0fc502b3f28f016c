/**
 * MDS3 BLOB processing (FIDO Metadata Service v3.0 §3.2 "Metadata BLOB object processing rules"):
 * JWT structure, signature by the `x5c` leaf, path to the configured root at `now`, and a
 * structural check of the payload. Not public: `MetadataStore.fromBlob` is the entry point.
 */
import { bytesToUtf8 } from '@keyward/internal';
import { verifyWithSpki } from '../crypto/verify.ts';
import { isWebAuthnError, WebAuthnError } from '../errors.ts';
import { guard } from '../internal/errors.ts';
import { parseCertificate } from '../x509/certificate.ts';
import { validatePath } from '../x509/chain.ts';
import { jwsSignatureInput, parseCompactJws } from './jws.ts';
import type { MetadataBlobPayload, MetadataEntry } from './types.ts';

/** An `ERR_METADATA` error. */
export function metadataError(message: string, cause?: unknown): WebAuthnError {
  return new WebAuthnError('ERR_METADATA', message, cause === undefined ? undefined : { cause });
}

/** Runs `fn`, turning every failure into `ERR_METADATA` (keeping the original as `cause`). */
async function asMetadataError<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isWebAuthnError(error) && error.code === 'ERR_METADATA') throw error;
    throw metadataError(`${what}: ${(error as Error)?.message ?? String(error)}`, error);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO 8601 calendar date (`YYYY-MM-DD`) to its UTC midnight, or `undefined`. */
export function parseIsoDate(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().startsWith(text) ? date : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = /^[0-9a-f]+$/;

/**
 * Whether an entry has the shape this store relies on (FIDO MDS §3.1.1). Entries that do not are
 * left out of the index rather than failing the whole BLOB: the published BLOB has carried data
 * entry errors before, and one bad entry must not take every other authenticator's metadata away.
 */
export function isUsableEntry(value: unknown): value is MetadataEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  if (entry.aaguid !== undefined && (typeof entry.aaguid !== 'string' || !UUID.test(entry.aaguid.toLowerCase())))
    return false;
  const keyIds = entry.attestationCertificateKeyIdentifiers;
  if (
    keyIds !== undefined &&
    (!Array.isArray(keyIds) || !keyIds.every((k) => typeof k === 'string' && HEX.test(k.toLowerCase())))
  )
    return false;
  const reports = entry.statusReports;
  if (
    !Array.isArray(reports) ||
    !reports.every((r) => typeof r === 'object' && r !== null && typeof (r as { status?: unknown }).status === 'string')
  ) {
    return false;
  }
  const statement = entry.metadataStatement;
  if (statement !== undefined) {
    if (typeof statement !== 'object' || statement === null) return false;
    const roots = (statement as { attestationRootCertificates?: unknown }).attestationRootCertificates;
    if (roots !== undefined && (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string'))) return false;
  }
  return true;
}

/** A verified BLOB: its payload and the entries kept. */
export interface VerifiedBlob {
  /** The payload. */
  readonly payload: MetadataBlobPayload;
  /** `nextUpdate` as a date (UTC midnight). */
  readonly nextUpdate: Date;
  /** Entries with a usable shape. */
  readonly entries: MetadataEntry[];
  /** How many entries were left out for their shape. */
  readonly skipped: number;
}

/** Checks the payload's own fields (FIDO MDS §3.1.6) and sorts usable entries from the rest. */
export function checkPayload(payload: Record<string, unknown>): VerifiedBlob {
  const { no, entries } = payload;
  if (typeof no !== 'number' || !Number.isSafeInteger(no) || no < 0)
    throw metadataError('metadata BLOB: "no" must be a non-negative integer');
  const nextUpdate = parseIsoDate(payload.nextUpdate);
  if (nextUpdate === undefined) throw metadataError('metadata BLOB: "nextUpdate" must be a YYYY-MM-DD date');
  if (!Array.isArray(entries)) throw metadataError('metadata BLOB: "entries" must be an array');
  const usable = entries.filter(isUsableEntry);
  return {
    payload: payload as unknown as MetadataBlobPayload,
    nextUpdate,
    entries: usable,
    skipped: entries.length - usable.length,
  };
}

/**
 * Verifies an MDS3 BLOB (compact JWS): its `x5c` path reaches `root` at `now` (each certificate
 * valid then, each signed by the next), and the leaf's key signed the JWS.
 *
 * @throws `ERR_METADATA` for anything wrong with the BLOB, its chain or its signature.
 */
export async function verifyBlob(blob: Uint8Array | string, roots: Uint8Array[], now: Date): Promise<VerifiedBlob> {
  return asMetadataError('metadata BLOB', async () => {
    const text = typeof blob === 'string' ? blob : guard('metadata BLOB', () => bytesToUtf8(blob));
    const jws = parseCompactJws(text, 'metadata BLOB');
    if (jws.x5c.length === 0) throw metadataError('metadata BLOB: the JWT header has no x5c chain');
    const anchors = roots.map((root) => parseCertificate(root));
    const path = await validatePath(jws.x5c, anchors, now);
    if (!path.trusted) throw metadataError('metadata BLOB: the x5c chain does not reach the configured root');
    const { coseAlg, signature } = jwsSignatureInput(jws, 'metadata BLOB');
    const leaf = path.path[0];
    if (leaf === undefined || !(await verifyWithSpki(leaf.spki, coseAlg, jws.signingInput, signature))) {
      throw metadataError('metadata BLOB: the JWT signature does not verify with the x5c leaf');
    }
    return checkPayload(jws.payload);
  });
}
