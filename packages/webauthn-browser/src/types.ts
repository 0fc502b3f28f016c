/**
 * The JSON shapes of WebAuthn Level 3 (§5.1.8, §5.1.9, §5.4, §5.5): what `@keyward/webauthn-server`
 * hands out and what it verifies. Binary fields are unpadded base64url strings. Enumerations the
 * spec types as `DOMString` are `string` here, so future values pass through.
 */

/** A credential to exclude (on create) or allow (on get). */
export interface PublicKeyCredentialDescriptorJSON {
  /** The credential ID, base64url. */
  id: string;
  /** Always `'public-key'` today. */
  type: string;
  /** Transports the authenticator was seen on (`'usb'`, `'nfc'`, `'ble'`, `'hybrid'`, `'internal'`…). */
  transports?: string[];
}

/** The relying party on a create request. */
export interface PublicKeyCredentialRpEntityJSON {
  /** The RP ID: this page's registrable domain or a suffix of it. Defaults to the page's host. */
  id?: string;
  /** A name to show the user. */
  name: string;
}

/** The account a credential is created for. */
export interface PublicKeyCredentialUserEntityJSON {
  /** The user handle: 1 to 64 random bytes, base64url. Never an e-mail address or username. */
  id: string;
  /** The account's name (for example a username), shown by the authenticator. */
  name: string;
  /** A friendly name, shown by the authenticator. */
  displayName: string;
}

/** One algorithm the relying party accepts. */
export interface PublicKeyCredentialParametersJSON {
  /** Always `'public-key'` today. */
  type: string;
  /** A COSE algorithm identifier, such as `-7` (ES256) or `-8` (EdDSA). */
  alg: number;
}

/** Which authenticators may answer a create request. */
export interface AuthenticatorSelectionCriteriaJSON {
  /** `'platform'` or `'cross-platform'`. */
  authenticatorAttachment?: string;
  /** `'discouraged'`, `'preferred'` or `'required'`: whether to create a discoverable credential (passkey). */
  residentKey?: string;
  /** Level 1 spelling of `residentKey: 'required'`. */
  requireResidentKey?: boolean;
  /** `'discouraged'`, `'preferred'` or `'required'`. */
  userVerification?: string;
}

/** Client extension inputs, as JSON (binary values base64url). */
export type AuthenticationExtensionsClientInputsJSON = Record<string, unknown>;

/** Client extension outputs, as JSON (binary values base64url). */
export type AuthenticationExtensionsClientOutputsJSON = Record<string, unknown>;

/** Options for `navigator.credentials.create`, as JSON (WebAuthn L3 §5.4, `PublicKeyCredentialCreationOptionsJSON`). */
export interface PublicKeyCredentialCreationOptionsJSON {
  /** The relying party. */
  rp: PublicKeyCredentialRpEntityJSON;
  /** The account. */
  user: PublicKeyCredentialUserEntityJSON;
  /** The server's one-time random challenge, base64url. */
  challenge: string;
  /** Accepted algorithms, most preferred first. */
  pubKeyCredParams: PublicKeyCredentialParametersJSON[];
  /** Milliseconds the browser may wait for the user. */
  timeout?: number;
  /** Credentials already registered for this account: an authenticator holding one refuses. */
  excludeCredentials?: PublicKeyCredentialDescriptorJSON[];
  /** Which authenticators may answer. */
  authenticatorSelection?: AuthenticatorSelectionCriteriaJSON;
  /** UI hints: `'security-key'`, `'client-device'`, `'hybrid'`. */
  hints?: string[];
  /** `'none'`, `'indirect'`, `'direct'` or `'enterprise'`. */
  attestation?: string;
  /** Preferred attestation statement formats. */
  attestationFormats?: string[];
  /** Client extension inputs. */
  extensions?: AuthenticationExtensionsClientInputsJSON;
}

/** Options for `navigator.credentials.get`, as JSON (WebAuthn L3 §5.5, `PublicKeyCredentialRequestOptionsJSON`). */
export interface PublicKeyCredentialRequestOptionsJSON {
  /** The server's one-time random challenge, base64url. */
  challenge: string;
  /** Milliseconds the browser may wait for the user. */
  timeout?: number;
  /** The RP ID. Defaults to the page's host. */
  rpId?: string;
  /** Credentials that may answer; empty or absent for discoverable credentials (passkeys). */
  allowCredentials?: PublicKeyCredentialDescriptorJSON[];
  /** `'discouraged'`, `'preferred'` or `'required'`. */
  userVerification?: string;
  /** UI hints: `'security-key'`, `'client-device'`, `'hybrid'`. */
  hints?: string[];
  /** Client extension inputs. */
  extensions?: AuthenticationExtensionsClientInputsJSON;
}

/** The authenticator's answer to a create request, as JSON (WebAuthn L3 §5.2.1). */
export interface AuthenticatorAttestationResponseJSON {
  /** The client data the browser signed over, base64url. */
  clientDataJSON: string;
  /** The authenticator data, base64url. */
  authenticatorData: string;
  /** Transports the authenticator reports. */
  transports: string[];
  /** The public key as SubjectPublicKeyInfo DER, base64url; absent when the browser cannot express it. */
  publicKey?: string;
  /** The COSE algorithm of the new credential. */
  publicKeyAlgorithm: number;
  /** The CBOR attestation object, base64url: what the server verifies. */
  attestationObject: string;
}

/** The authenticator's answer to a get request, as JSON (WebAuthn L3 §5.2.2). */
export interface AuthenticatorAssertionResponseJSON {
  /** The client data the authenticator signed over, base64url. */
  clientDataJSON: string;
  /** The authenticator data, base64url. */
  authenticatorData: string;
  /** The signature, base64url. */
  signature: string;
  /** The user handle of a discoverable credential, base64url. */
  userHandle?: string;
}

/** A new credential, as JSON: `PublicKeyCredential.toJSON()` after a create. */
export interface RegistrationResponseJSON {
  /** The credential ID, base64url. */
  id: string;
  /** The credential ID, base64url (same as `id`). */
  rawId: string;
  /** The authenticator's answer. */
  response: AuthenticatorAttestationResponseJSON;
  /** `'platform'` or `'cross-platform'`, when the browser knows. */
  authenticatorAttachment?: 'platform' | 'cross-platform';
  /** Client extension outputs. */
  clientExtensionResults: AuthenticationExtensionsClientOutputsJSON;
  /** Always `'public-key'`. */
  type: 'public-key';
}

/** An assertion, as JSON: `PublicKeyCredential.toJSON()` after a get. */
export interface AuthenticationResponseJSON {
  /** The credential ID, base64url. */
  id: string;
  /** The credential ID, base64url (same as `id`). */
  rawId: string;
  /** The authenticator's answer. */
  response: AuthenticatorAssertionResponseJSON;
  /** `'platform'` or `'cross-platform'`, when the browser knows. */
  authenticatorAttachment?: 'platform' | 'cross-platform';
  /** Client extension outputs. */
  clientExtensionResults: AuthenticationExtensionsClientOutputsJSON;
  /** Always `'public-key'`. */
  type: 'public-key';
}
