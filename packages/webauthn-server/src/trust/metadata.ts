/** The minimal view of FIDO metadata the trust step consumes (satisfied by `MetadataStore`). */

/** One status report of a metadata entry (FIDO MDS §3.1.3); only `status` is read. */
export interface MetadataStatusLike {
  /** `FIDO_CERTIFIED`, `REVOKED`, `ATTESTATION_KEY_COMPROMISE`, ... */
  readonly status: string;
  /** For `ATTESTATION_KEY_COMPROMISE`: base64 DER of the compromised certificate, when only that one is. */
  readonly certificate?: string;
}

/** The parts of a metadata BLOB entry (FIDO MDS §3.1.1) the trust step reads. */
export interface MetadataEntryLike {
  /** Status history; any revoked/compromised status rejects the registration. */
  readonly statusReports?: readonly MetadataStatusLike[];
  /** The metadata statement; its `attestationRootCertificates` (base64 DER) become trust anchors. */
  readonly metadataStatement?: { readonly attestationRootCertificates?: readonly string[] };
}

/**
 * What `attestation.metadata` must provide. `MetadataStore` implements it; any object with these
 * methods works (a database-backed store, a test double).
 */
export interface MetadataLookup {
  /**
   * The entry for an AAGUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), or `undefined`.
   * Should throw `WebAuthnError` `ERR_METADATA` when its BLOB is past `nextUpdate` at `now`.
   */
  getEntryByAaguid(aaguid: string, now?: Date): MetadataEntryLike | undefined;
  /**
   * The entry for a U2F attestation certificate key identifier (lower-case hex SHA-1 of the
   * certificate's subjectPublicKey bits), or `undefined`.
   */
  getEntryByCertificateKeyIdentifier?(keyIdentifier: string, now?: Date): MetadataEntryLike | undefined;
}

/** Statuses that make a metadata entry refuse registrations (FIDO MDS §3.1.4). */
export const UNDESIRED_STATUSES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'REVOKED',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_VERIFICATION_BYPASS',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
]);
