/** W3C WebAuthn L3 JSON wire shapes (§5.1 `toJSON()`, §5.4, §5.5), base64url without padding for binary. */

/** Authenticator transports (WebAuthn L3 §5.8.4). */
export type AuthenticatorTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

/** `PublicKeyCredentialDescriptorJSON` (WebAuthn L3 §5.10.3). */
export interface PublicKeyCredentialDescriptorJSON {
  /** The credential ID (base64url). */
  id: string;
  /** Always `'public-key'`. */
  type: 'public-key';
  /** Transports the credential was seen on. */
  transports?: AuthenticatorTransport[];
}

/** `AuthenticatorAttestationResponseJSON` (WebAuthn L3 §5.2.1). */
export interface AuthenticatorAttestationResponseJSON {
  /** clientDataJSON (base64url). */
  clientDataJSON: string;
  /** The attestation object (base64url CBOR). */
  attestationObject: string;
  /** authenticatorData (base64url), when the client provides it. */
  authenticatorData?: string;
  /** Transports reported by the client. */
  transports?: string[];
  /** The credential's COSE algorithm, when the client provides it. */
  publicKeyAlgorithm?: number;
  /** The SPKI of the credential key (base64url), when the client provides it. */
  publicKey?: string;
}

/** `RegistrationResponseJSON`, as `PublicKeyCredential.toJSON()` gives it for `create()`. */
export interface RegistrationResponseJSON {
  /** The credential ID (base64url). */
  id: string;
  /** The credential ID (base64url); must equal `id`. */
  rawId: string;
  /** The attestation response. */
  response: AuthenticatorAttestationResponseJSON;
  /** `'platform'` or `'cross-platform'`. */
  authenticatorAttachment?: string;
  /** Client extension outputs. */
  clientExtensionResults: Record<string, unknown>;
  /** Always `'public-key'`. */
  type: 'public-key';
}

/** `AuthenticatorAssertionResponseJSON` (WebAuthn L3 §5.2.2). */
export interface AuthenticatorAssertionResponseJSON {
  /** clientDataJSON (base64url). */
  clientDataJSON: string;
  /** authenticatorData (base64url). */
  authenticatorData: string;
  /** The signature (base64url). */
  signature: string;
  /** The user handle (base64url), for discoverable credentials. */
  userHandle?: string | null;
}

/** `AuthenticationResponseJSON`, as `PublicKeyCredential.toJSON()` gives it for `get()`. */
export interface AuthenticationResponseJSON {
  /** The credential ID (base64url). */
  id: string;
  /** The credential ID (base64url); must equal `id`. */
  rawId: string;
  /** The assertion response. */
  response: AuthenticatorAssertionResponseJSON;
  /** `'platform'` or `'cross-platform'`. */
  authenticatorAttachment?: string;
  /** Client extension outputs (e.g. `{ appid: true }`). */
  clientExtensionResults: Record<string, unknown>;
  /** Always `'public-key'`. */
  type: 'public-key';
}

/** `PublicKeyCredentialCreationOptionsJSON` (WebAuthn L3 §5.4). */
export interface PublicKeyCredentialCreationOptionsJSON {
  /** The relying party. */
  rp: { name: string; id?: string };
  /** The user account. `id` is base64url of the random user handle. */
  user: { id: string; name: string; displayName: string };
  /** The challenge (base64url). */
  challenge: string;
  /** Accepted credential algorithms in order of preference. */
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  /** Timeout in milliseconds. */
  timeout?: number;
  /** Credentials the user already has, so the authenticator does not create a second one. */
  excludeCredentials?: PublicKeyCredentialDescriptorJSON[];
  /** Authenticator requirements. */
  authenticatorSelection?: AuthenticatorSelectionCriteria;
  /** Hints for the client UI. */
  hints?: PublicKeyCredentialHint[];
  /** Attestation conveyance. */
  attestation?: AttestationConveyancePreference;
  /** Client extension inputs. */
  extensions?: Record<string, unknown>;
}

/** `PublicKeyCredentialRequestOptionsJSON` (WebAuthn L3 §5.5). */
export interface PublicKeyCredentialRequestOptionsJSON {
  /** The challenge (base64url). */
  challenge: string;
  /** Timeout in milliseconds. */
  timeout?: number;
  /** The RP ID. */
  rpId?: string;
  /** Credentials that may be used; empty or absent for discoverable credentials. */
  allowCredentials?: PublicKeyCredentialDescriptorJSON[];
  /** User verification requirement. */
  userVerification?: UserVerificationRequirement;
  /** Hints for the client UI. */
  hints?: PublicKeyCredentialHint[];
  /** Client extension inputs. */
  extensions?: Record<string, unknown>;
}

/** `AuthenticatorSelectionCriteria` (WebAuthn L3 §5.4.4). */
export interface AuthenticatorSelectionCriteria {
  /** `'platform'` or `'cross-platform'`. */
  authenticatorAttachment?: 'platform' | 'cross-platform';
  /** Discoverable credential requirement. */
  residentKey?: 'discouraged' | 'preferred' | 'required';
  /** Legacy form of `residentKey: 'required'`. */
  requireResidentKey?: boolean;
  /** User verification requirement. */
  userVerification?: UserVerificationRequirement;
}

/** User verification requirement (WebAuthn L3 §5.8.6). */
export type UserVerificationRequirement = 'discouraged' | 'preferred' | 'required';
/** Attestation conveyance preference (WebAuthn L3 §5.4.7). */
export type AttestationConveyancePreference = 'none' | 'indirect' | 'direct' | 'enterprise';
/** Client UI hints (WebAuthn L3 §5.8.7). */
export type PublicKeyCredentialHint = 'security-key' | 'client-device' | 'hybrid';
