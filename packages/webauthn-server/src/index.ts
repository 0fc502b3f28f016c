/**
 * `@keyward/webauthn-server`: the WebAuthn relying-party core. Ceremony options, registration
 * (attestation) and authentication (assertion) verification, COSE keys, attestation trust with
 * an injectable clock, and typed errors with stable codes. No network access, no `node:` imports.
 *
 * @packageDocumentation
 */

export { APPLE_WEBAUTHN_ROOT_CERTIFICATE } from './attestation/apple.ts';
export type { AttestationType } from './attestation/types.ts';
export {
  type StoredCredential,
  type VerifiedAuthentication,
  type VerifyAuthenticationResponseOptions,
  verifyAuthenticationResponse,
} from './authentication/verify-authentication-response.ts';
export type { ExpectedChallenge } from './ceremony/client-data.ts';
export type { CeremonyExpectations } from './ceremony/expectations.ts';
export { COSE_ALG, COSE_CRV, COSE_KTY } from './cose/constants.ts';
export {
  type CoseEc2Key,
  type CoseKey,
  type CoseOkpKey,
  type CoseRsaKey,
  coseKeyToJwk,
  coseKeyToSpki,
  type PublicKeyJwk,
  parseCoseKey,
} from './cose/key.ts';
export { verifyWithCoseKey } from './crypto/verify.ts';
export { isWebAuthnError, WebAuthnError, type WebAuthnErrorCode } from './errors.ts';
export {
  type FetchLike,
  type FetchLikeResponse,
  FIDO_MDS_URL,
  fetchMetadataBlob,
} from './metadata/fetch-metadata-blob.ts';
export { FIDO_MDS_ROOT_CERTIFICATE } from './metadata/fido-mds-root.ts';
export { type MetadataEntriesOptions, MetadataStore, type MetadataStoreOptions } from './metadata/metadata-store.ts';
export {
  type AuthenticatorStatus,
  COMPROMISED_STATUSES,
  type MetadataBlobPayload,
  type MetadataEntry,
  type MetadataStatement,
  type MetadataStatusReport,
} from './metadata/types.ts';
export {
  type CredentialDescriptorInput,
  type GenerateAuthenticationOptionsOptions,
  type GenerateRegistrationOptionsOptions,
  generateAuthenticationOptions,
  generateRegistrationOptions,
} from './options/generate-options.ts';
export {
  type RegisteredCredential,
  type VerifiedRegistration,
  type VerifyRegistrationResponseOptions,
  verifyRegistrationResponse,
} from './registration/verify-registration-response.ts';
export type { MetadataEntryLike, MetadataLookup, MetadataStatusLike } from './trust/metadata.ts';
export type { AttestationPolicy } from './trust/policy.ts';
export type {
  AttestationConveyancePreference,
  AuthenticationResponseJSON,
  AuthenticatorAssertionResponseJSON,
  AuthenticatorAttestationResponseJSON,
  AuthenticatorSelectionCriteria,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialHint,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  UserVerificationRequirement,
} from './types.ts';
