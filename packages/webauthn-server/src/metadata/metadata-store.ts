/**
 * `MetadataStore`: a verified FIDO Metadata Service (MDS3) BLOB, indexed by AAGUID and by U2F
 * attestation certificate key identifier, with status reports and attestation roots. It does no
 * I/O: the caller supplies the BLOB (see {@link fetchMetadataBlob} where `fetch` exists).
 */
import { base64urlToBytes, bytesToHex } from '@keyward/internal';
import { fail } from '../internal/errors.ts';
import { certificatesFromPemOrDer } from '../x509/pem.ts';
import { checkPayload, metadataError, parseIsoDate, verifyBlob } from './blob.ts';
import { FIDO_MDS_ROOT_CERTIFICATE } from './fido-mds-root.ts';
import {
  type AuthenticatorStatus,
  COMPROMISED_STATUSES,
  type MetadataEntry,
  type MetadataStatusReport,
} from './types.ts';

/** Options of {@link MetadataStore.fromBlob}. */
export interface MetadataStoreOptions {
  /**
   * The root the BLOB's `x5c` chain must reach: DER bytes or PEM text.
   *
   * @defaultValue the FIDO Metadata Service root, GlobalSign Root CA - R3 ({@link FIDO_MDS_ROOT_CERTIFICATE})
   */
  readonly rootCertificate?: Uint8Array | string;
  /**
   * The instant for every time check: the chain's validity when loading, and the default for
   * staleness and status lookups afterwards.
   *
   * @defaultValue `new Date()` when the store is created
   */
  readonly now?: Date;
  /**
   * Accept and use a BLOB past its `nextUpdate` date. Without it, loading a stale BLOB and looking
   * entries up once it has gone stale throw `ERR_METADATA`.
   *
   * @defaultValue false
   */
  readonly allowExpired?: boolean;
  /**
   * The serial number (`no`) of the newest BLOB already accepted: a BLOB with a smaller `no` is
   * refused, so a replayed older BLOB cannot hide status changes published since (FIDO MDS v3.0
   * §3.2: a BLOB whose `no` is not greater than the last one processed brings nothing new).
   *
   * @defaultValue no check
   */
  readonly minimumNo?: number;
}

/** Options of {@link MetadataStore.fromEntries}. */
export interface MetadataEntriesOptions {
  /**
   * The date after which the entries count as stale (`YYYY-MM-DD`, like a BLOB's `nextUpdate`).
   *
   * @defaultValue never stale
   */
  readonly nextUpdate?: string;
  /**
   * The instant used by default for staleness and status lookups.
   *
   * @defaultValue `new Date()` when the store is created
   */
  readonly now?: Date;
  /**
   * Keep answering lookups past `nextUpdate`.
   *
   * @defaultValue false
   */
  readonly allowExpired?: boolean;
}

const ONE_DAY_MS = 86_400_000;
const COMPROMISED: ReadonlySet<string> = /* @__PURE__ */ new Set(COMPROMISED_STATUSES);

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from an AAGUID given as 16 bytes or as (dashed or bare) hex. */
function normalizeAaguid(aaguid: string | Uint8Array): string | undefined {
  let hex: string;
  if (aaguid instanceof Uint8Array) {
    if (aaguid.length !== 16) return undefined;
    hex = bytesToHex(aaguid);
  } else if (typeof aaguid === 'string') {
    hex = aaguid.replace(/-/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  } else return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The effective date of a report in ms (a report without one counts from the beginning). */
function effectiveMs(report: MetadataStatusReport): number {
  return parseIsoDate(report.effectiveDate)?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/**
 * A verified FIDO Metadata Service BLOB, ready for lookups. Create it with
 * {@link MetadataStore.fromBlob} (verifies the signed BLOB) or {@link MetadataStore.fromEntries}
 * (entries the caller already trusts, such as conformance-test metadata), then pass it as
 * `attestation.metadata` to `verifyRegistrationResponse`.
 *
 * Identifiers are an AAGUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, case and dashes free, or 16
 * bytes) or a U2F attestation certificate key identifier (40 hex digits: SHA-1 of the
 * certificate's subjectPublicKey).
 *
 * @example
 * ```ts
 * const store = await MetadataStore.fromBlob(await fetchMetadataBlob());
 * const verified = await verifyRegistrationResponse({ ...options, attestation: { metadata: store } });
 * ```
 */
export class MetadataStore {
  /** The BLOB serial number (`no`); 0 for {@link MetadataStore.fromEntries}. */
  readonly no: number;
  /** The BLOB's legal header, when it has one. */
  readonly legalHeader: string | undefined;
  /** `nextUpdate` (UTC midnight of that date), or `undefined` for entries that never go stale. */
  readonly nextUpdate: Date | undefined;
  /** The indexed entries, as the BLOB has them. */
  readonly entries: readonly MetadataEntry[];
  /** How many BLOB entries were left out because their shape was unusable. */
  readonly skippedEntries: number;
  private readonly now: Date | undefined;
  private readonly allowExpired: boolean;
  private readonly byAaguid = new Map<string, MetadataEntry>();
  private readonly byKeyIdentifier = new Map<string, MetadataEntry>();

  private constructor(
    entries: readonly MetadataEntry[],
    meta: {
      no: number;
      legalHeader: string | undefined;
      nextUpdate: Date | undefined;
      skipped: number;
      now: Date | undefined;
      allowExpired: boolean;
    },
  ) {
    this.no = meta.no;
    this.legalHeader = meta.legalHeader;
    this.nextUpdate = meta.nextUpdate;
    this.entries = entries;
    this.skippedEntries = meta.skipped;
    this.now = meta.now;
    this.allowExpired = meta.allowExpired;
    for (const entry of entries) {
      // The first entry for an identifier wins; a signed BLOB does not repeat them.
      const aaguid = entry.aaguid === undefined ? undefined : normalizeAaguid(entry.aaguid);
      if (aaguid !== undefined && !this.byAaguid.has(aaguid)) this.byAaguid.set(aaguid, entry);
      for (const id of entry.attestationCertificateKeyIdentifiers ?? []) {
        const key = id.toLowerCase();
        if (!this.byKeyIdentifier.has(key)) this.byKeyIdentifier.set(key, entry);
      }
    }
  }

  /**
   * Verifies and loads an MDS3 BLOB (FIDO MDS v3.0 §3.2): the JWT's `x5c` chain must reach the
   * root at `now`, its leaf must have signed the JWT (RS256/384/512, PS256/384/512, ES256/384/512
   * or EdDSA), and `nextUpdate` must not have passed unless `allowExpired`. No certificate
   * revocation lists are fetched: no network access happens here.
   *
   * @param blob - The BLOB as downloaded: the JWT text or its UTF-8 bytes.
   * @param options - Root, clock and staleness policy.
   * @returns The store.
   * @throws {@link WebAuthnError} `ERR_METADATA` for a BLOB that is malformed, badly signed, not
   * under the root, stale, or older than `minimumNo`; `ERR_BAD_OPTIONS` for a `rootCertificate` that is not a certificate.
   * @example
   * ```ts
   * const store = await MetadataStore.fromBlob(blobText, { now: new Date() });
   * store.getEntryByAaguid('ee882879-721c-4913-9775-3dfcce97072a')?.metadataStatement?.description;
   * ```
   */
  static async fromBlob(blob: Uint8Array | string, options: MetadataStoreOptions = {}): Promise<MetadataStore> {
    const now = options.now ?? new Date();
    const roots = certificatesFromPemOrDer(options.rootCertificate ?? FIDO_MDS_ROOT_CERTIFICATE);
    if (typeof blob !== 'string' && !(blob instanceof Uint8Array))
      throw metadataError('metadata BLOB must be a string or bytes');
    const verified = await verifyBlob(blob, roots, now);
    if (options.minimumNo !== undefined && !(verified.payload.no >= options.minimumNo)) {
      throw metadataError(
        `metadata BLOB number ${verified.payload.no} is older than the last accepted one (${options.minimumNo})`,
      );
    }
    const store = new MetadataStore(verified.entries, {
      no: verified.payload.no,
      legalHeader: typeof verified.payload.legalHeader === 'string' ? verified.payload.legalHeader : undefined,
      nextUpdate: verified.nextUpdate,
      skipped: verified.skipped,
      now: options.now,
      allowExpired: options.allowExpired === true,
    });
    store.assertFresh(now);
    return store;
  }

  /**
   * Builds a store from entries the caller already trusts (no signature to check): metadata
   * statements from a conformance tool, or a BLOB payload verified elsewhere.
   *
   * @param entries - `MetadataBLOBPayloadEntry` objects.
   * @param options - Staleness and clock.
   * @returns The store.
   * @throws {@link WebAuthnError} `ERR_METADATA` for an entry of unusable shape or a bad `nextUpdate`.
   * @example
   * ```ts
   * const store = MetadataStore.fromEntries([{ aaguid, metadataStatement, statusReports: [{ status: 'FIDO_CERTIFIED' }] }]);
   * ```
   */
  static fromEntries(entries: readonly MetadataEntry[], options: MetadataEntriesOptions = {}): MetadataStore {
    if (!Array.isArray(entries)) throw metadataError('metadata entries must be an array');
    const checked = checkPayload({ no: 0, nextUpdate: options.nextUpdate ?? '9999-12-31', entries });
    if (checked.skipped > 0) throw metadataError(`${checked.skipped} metadata entries have an unusable shape`);
    return new MetadataStore(checked.entries, {
      no: 0,
      legalHeader: undefined,
      nextUpdate: options.nextUpdate === undefined ? undefined : checked.nextUpdate,
      skipped: 0,
      now: options.now,
      allowExpired: options.allowExpired === true,
    });
  }

  /**
   * Whether the metadata is past `nextUpdate` at `now`: from the day after the `nextUpdate` date
   * (UTC), since a newer BLOB is due during that day.
   *
   * @param now - The instant to judge at.
   * @returns `true` when stale.
   */
  isStale(now: Date = this.now ?? new Date()): boolean {
    return this.nextUpdate !== undefined && now.getTime() >= this.nextUpdate.getTime() + ONE_DAY_MS;
  }

  private assertFresh(now: Date): void {
    if (!this.allowExpired && this.isStale(now)) {
      throw fail(
        'ERR_METADATA',
        `metadata BLOB is stale: nextUpdate ${this.nextUpdate?.toISOString().slice(0, 10)} has passed at ${now.toISOString()}`,
      );
    }
  }

  /**
   * The entry for an AAGUID.
   *
   * @param aaguid - The AAGUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, or 16 bytes).
   * @param now - The instant for the staleness check.
   * @returns The entry, or `undefined` when the BLOB has none.
   * @throws {@link WebAuthnError} `ERR_METADATA` when the metadata is stale (unless `allowExpired`).
   */
  getEntryByAaguid(aaguid: string | Uint8Array, now: Date = this.now ?? new Date()): MetadataEntry | undefined {
    this.assertFresh(now);
    const key = normalizeAaguid(aaguid);
    return key === undefined ? undefined : this.byAaguid.get(key);
  }

  /**
   * The entry for a U2F attestation certificate key identifier.
   *
   * @param keyIdentifier - Hex SHA-1 of the attestation certificate's subjectPublicKey (any case).
   * @param now - The instant for the staleness check.
   * @returns The entry, or `undefined` when the BLOB has none.
   * @throws {@link WebAuthnError} `ERR_METADATA` when the metadata is stale (unless `allowExpired`).
   */
  getEntryByCertificateKeyIdentifier(
    keyIdentifier: string,
    now: Date = this.now ?? new Date(),
  ): MetadataEntry | undefined {
    this.assertFresh(now);
    return typeof keyIdentifier === 'string' ? this.byKeyIdentifier.get(keyIdentifier.toLowerCase()) : undefined;
  }

  /** The entry for an AAGUID or a key identifier (40 hex digits). */
  private entryFor(id: string | Uint8Array, now: Date): MetadataEntry | undefined {
    if (typeof id === 'string' && /^[0-9a-fA-F]{40}$/.test(id)) return this.getEntryByCertificateKeyIdentifier(id, now);
    return this.getEntryByAaguid(id, now);
  }

  /**
   * The current status of an authenticator: its latest status report in effect at `now` (by
   * `effectiveDate`; among reports of the same date, the later one in the BLOB).
   *
   * @param id - An AAGUID or a certificate key identifier.
   * @param now - The instant to judge at (reports effective later are ignored).
   * @returns The report, or `undefined` when the authenticator is unknown or has none in effect.
   * @throws {@link WebAuthnError} `ERR_METADATA` when the metadata is stale (unless `allowExpired`).
   */
  statusOf(id: string | Uint8Array, now: Date = this.now ?? new Date()): MetadataStatusReport | undefined {
    let latest: MetadataStatusReport | undefined;
    for (const report of this.reportsInEffect(id, now)) {
      if (latest === undefined || effectiveMs(report) >= effectiveMs(latest)) latest = report;
    }
    return latest;
  }

  private reportsInEffect(id: string | Uint8Array, now: Date): MetadataStatusReport[] {
    const entry = this.entryFor(id, now);
    return (entry?.statusReports ?? []).filter((report) => effectiveMs(report) <= now.getTime());
  }

  /**
   * Whether an authenticator is revoked or compromised: any status report in effect at `now` says
   * `REVOKED`, `USER_KEY_REMOTE_COMPROMISE`, `USER_KEY_PHYSICAL_COMPROMISE`,
   * `ATTESTATION_KEY_COMPROMISE` or `USER_VERIFICATION_BYPASS`. A later report does not clear an
   * earlier compromise: keys made before a fix stay exposed.
   *
   * @param id - An AAGUID or a certificate key identifier.
   * @param now - The instant to judge at.
   * @returns `true` when revoked or compromised; `false` otherwise, including when unknown.
   * @throws {@link WebAuthnError} `ERR_METADATA` when the metadata is stale (unless `allowExpired`).
   */
  isRevoked(id: string | Uint8Array, now: Date = this.now ?? new Date()): boolean {
    return this.reportsInEffect(id, now).some((report) => COMPROMISED.has(report.status));
  }

  /**
   * The statuses in effect at `now` that mark the authenticator compromised (empty when none).
   *
   * @param id - An AAGUID or a certificate key identifier.
   * @param now - The instant to judge at.
   * @returns The compromising statuses, oldest first.
   * @throws {@link WebAuthnError} `ERR_METADATA` when the metadata is stale (unless `allowExpired`).
   */
  compromisedStatuses(id: string | Uint8Array, now: Date = this.now ?? new Date()): AuthenticatorStatus[] {
    return this.reportsInEffect(id, now)
      .filter((report) => COMPROMISED.has(report.status))
      .map((report) => report.status);
  }

  /**
   * The attestation root certificates of an authenticator's metadata statement, as DER: the trust
   * anchors for its attestation certificate paths.
   *
   * @param id - An AAGUID or a certificate key identifier.
   * @param now - The instant for the staleness check.
   * @returns The roots (empty when the authenticator is unknown or lists none).
   * @throws {@link WebAuthnError} `ERR_METADATA` when a root is not base64, or the metadata is stale.
   */
  trustAnchorsFor(id: string | Uint8Array, now: Date = this.now ?? new Date()): Uint8Array[] {
    const roots = this.entryFor(id, now)?.metadataStatement?.attestationRootCertificates ?? [];
    return roots.map((text, i) => {
      const der = typeof text === 'string' ? base64urlToBytes(text.replace(/\s+/g, '')) : undefined;
      if (der === undefined || der.length === 0)
        throw metadataError(`metadata: attestationRootCertificates[${i}] is not base64`);
      return der;
    });
  }
}
