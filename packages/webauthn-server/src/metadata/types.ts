/**
 * Shapes of the FIDO Metadata Service v3 BLOB payload (FIDO MDS v3.0 §3.1) and of the metadata
 * statements it carries (FIDO Metadata Statement v3.0 §4). Fields this package does not interpret
 * are typed loosely (`unknown`) and passed through as the BLOB has them.
 */

/**
 * FIDO MDS §3.1.4 `AuthenticatorStatus`. The known values are listed; later spec versions may add
 * others, which arrive as plain strings.
 */
export type AuthenticatorStatus =
  | 'NOT_FIDO_CERTIFIED'
  | 'FIDO_CERTIFIED'
  | 'USER_VERIFICATION_BYPASS'
  | 'ATTESTATION_KEY_COMPROMISE'
  | 'USER_KEY_REMOTE_COMPROMISE'
  | 'USER_KEY_PHYSICAL_COMPROMISE'
  | 'UPDATE_AVAILABLE'
  | 'REVOKED'
  | 'SELF_ASSERTION_SUBMITTED'
  | 'FIDO_CERTIFIED_L1'
  | 'FIDO_CERTIFIED_L1plus'
  | 'FIDO_CERTIFIED_L2'
  | 'FIDO_CERTIFIED_L2plus'
  | 'FIDO_CERTIFIED_L3'
  | 'FIDO_CERTIFIED_L3plus'
  | (string & {});

/** The statuses that mark an authenticator as revoked or compromised: registrations are refused. */
export const COMPROMISED_STATUSES: readonly AuthenticatorStatus[] = [
  'REVOKED',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_VERIFICATION_BYPASS',
];

/** FIDO MDS §3.1.3 `StatusReport`. */
export interface MetadataStatusReport {
  /** The status this report declares. */
  readonly status: AuthenticatorStatus;
  /** ISO 8601 date (`YYYY-MM-DD`) from which the status applies. */
  readonly effectiveDate?: string;
  /** The authenticator firmware version the status applies to (and later ones, unless another report says otherwise). */
  readonly authenticatorVersion?: number;
  /** Base64 DER of the attestation certificate concerned (for `ATTESTATION_KEY_COMPROMISE`). */
  readonly certificate?: string;
  /** Where more information about the status can be found. */
  readonly url?: string;
  /** The certification descriptor (authenticator description as certified). */
  readonly certificationDescriptor?: string;
  /** The certificate number of the certification. */
  readonly certificateNumber?: string;
  /** The certification policy version. */
  readonly certificationPolicyVersion?: string;
  /** The security requirements version. */
  readonly certificationRequirementsVersion?: string;
}

/** FIDO Metadata Statement §4 (the fields relying parties use most; others pass through). */
export interface MetadataStatement {
  /** The legal header of the statement. */
  readonly legalHeader?: string;
  /** FIDO UAF authenticator AAID. */
  readonly aaid?: string;
  /** FIDO2 AAGUID in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` form. */
  readonly aaguid?: string;
  /** U2F: hex SHA-1 of the attestation certificates' public keys. */
  readonly attestationCertificateKeyIdentifiers?: readonly string[];
  /** Human-readable description (English). */
  readonly description: string;
  /** Descriptions in other languages, keyed by IETF language tag. */
  readonly alternativeDescriptions?: Readonly<Record<string, string>>;
  /** Earliest firmware version the statement applies to. */
  readonly authenticatorVersion: number;
  /** `"uaf"`, `"u2f"` or `"fido2"`. */
  readonly protocolFamily: string;
  /** Metadata statement schema version (3 for MDS3). */
  readonly schema: number;
  /** Supported protocol versions. */
  readonly upv: readonly unknown[];
  /** Supported authentication algorithms (`secp256r1_ecdsa_sha256_raw`, ...). */
  readonly authenticationAlgorithms: readonly string[];
  /** Supported public key encodings (`cose`, ...). */
  readonly publicKeyAlgAndEncodings: readonly string[];
  /** Attestation types the authenticator uses (`basic_full`, `attca`, `self`, ...). */
  readonly attestationTypes: readonly string[];
  /** User verification methods and their combinations. */
  readonly userVerificationDetails: readonly unknown[];
  /** Key protection (`hardware`, `secure_element`, ...). */
  readonly keyProtection: readonly string[];
  /** Whether the keys are restricted to signing authenticator data. */
  readonly isKeyRestricted?: boolean;
  /** Whether every operation requires fresh user verification. */
  readonly isFreshUserVerificationRequired?: boolean;
  /** Matcher protection (`on_chip`, ...). */
  readonly matcherProtection: readonly string[];
  /** Claimed cryptographic strength in bits. */
  readonly cryptoStrength?: number;
  /** Attachment hints (`external`, `internal`, `nfc`, `usb`, ...). */
  readonly attachmentHint?: readonly string[];
  /** Transaction confirmation display capabilities. */
  readonly tcDisplay: readonly string[];
  /** Base64 DER certificates: the trust anchors for this authenticator's attestations. */
  readonly attestationRootCertificates: readonly string[];
  /** `data:` URL of the authenticator's icon. */
  readonly icon?: string;
  /** The authenticator's `authenticatorGetInfo` response (FIDO2). */
  readonly authenticatorGetInfo?: Readonly<Record<string, unknown>>;
  /** Any further fields of the statement, as the BLOB has them. */
  readonly [field: string]: unknown;
}

/** FIDO MDS §3.1.1 `MetadataBLOBPayloadEntry`. */
export interface MetadataEntry {
  /** FIDO UAF AAID. */
  readonly aaid?: string;
  /** FIDO2 AAGUID in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` form. */
  readonly aaguid?: string;
  /** U2F: hex SHA-1 of the attestation certificates' public keys. */
  readonly attestationCertificateKeyIdentifiers?: readonly string[];
  /** The authenticator's metadata statement. */
  readonly metadataStatement?: MetadataStatement;
  /** Biometric component status reports. */
  readonly biometricStatusReports?: readonly unknown[];
  /** Status history of the authenticator. */
  readonly statusReports: readonly MetadataStatusReport[];
  /** ISO 8601 date of the last status change (required by the spec; not relied on here). */
  readonly timeOfLastStatusChange?: string;
  /** URL of a list of rogue (compromised) authenticators. */
  readonly rogueListURL?: string;
  /** Hash of that list. */
  readonly rogueListHash?: string;
}

/** FIDO MDS §3.1.6 `MetadataBLOBPayload`. */
export interface MetadataBlobPayload {
  /** The legal header. */
  readonly legalHeader?: string;
  /** Serial number of this BLOB; grows with each publication. */
  readonly no: number;
  /** ISO 8601 date (`YYYY-MM-DD`) by which a newer BLOB will be published. */
  readonly nextUpdate: string;
  /** The entries. */
  readonly entries: readonly MetadataEntry[];
}
