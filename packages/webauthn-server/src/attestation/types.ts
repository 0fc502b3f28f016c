/**
 * The seam between the registration pipeline and the attestation statement formats.
 * Each format (`none.ts`, `packed.ts`, `fido-u2f.ts`, `tpm.ts`, `android-key.ts`,
 * `android-safetynet.ts`, `apple.ts`) exports one {@link AttestationFormatVerifier}.
 */

import type { CoseKey } from '../cose/key.ts';

/** WebAuthn L3 §6.5.3 attestation types, as the CONTRACT spells them. */
export type AttestationType = 'none' | 'self' | 'basic' | 'attca' | 'anonca';

/** What a format verifier is given (WebAuthn L3 §6.5.2 "verification procedure inputs"). */
export interface AttestationFormatInput {
  /** The `attStmt` map exactly as decoded from the attestation object (CBOR map, string keys). */
  readonly attStmt: Map<unknown, unknown>;
  /** The raw authenticatorData bytes (signed over by most formats). */
  readonly authData: Uint8Array;
  /** SHA-256 of the raw clientDataJSON. */
  readonly clientDataHash: Uint8Array;
  /** The AAGUID from the attested credential data (16 bytes). */
  readonly aaguid: Uint8Array;
  /** The credential ID from the attested credential data. */
  readonly credentialId: Uint8Array;
  /** The credential public key, raw COSE_Key bytes as found in authData. */
  readonly credentialPublicKey: Uint8Array;
  /** The credential public key's COSE `alg` (label 3). */
  readonly credentialAlg: number;
  /** The instant every time check uses (certificate validity, SafetyNet timestamps). */
  readonly now: Date;
  /**
   * The credential public key already parsed and validated by the pipeline (same key as
   * `credentialPublicKey`), so formats need not parse it again. Optional for callers that build
   * inputs by hand.
   */
  readonly credentialKey?: CoseKey;
}

/** What a format verifier returns once the statement's own checks pass. */
export interface AttestationFormatResult {
  /** The attestation type the statement establishes. */
  readonly attestationType: AttestationType;
  /** The attestation certificate chain, leaf first (DER); empty for `none` and self attestation. */
  readonly trustPath: Uint8Array[];
}

/**
 * Verifies one attestation statement format's own rules (signature, certificate requirements,
 * extension checks). Throws `WebAuthnError` (`ERR_ATTESTATION`, `ERR_MALFORMED`, …) on failure.
 * Chain validation to trust anchors and metadata happens after it, in the shared trust step.
 */
export type AttestationFormatVerifier = (input: AttestationFormatInput) => Promise<AttestationFormatResult>;
