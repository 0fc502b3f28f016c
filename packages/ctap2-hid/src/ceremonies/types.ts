/**
 * The WebAuthn L3 JSON shapes the ceremonies take and return, structurally the same as those of
 * `@keyward/webauthn-server` (which needs not be installed to use this package).
 */

/** `PublicKeyCredentialDescriptorJSON` (WebAuthn L3 §5.10.3). */
export interface PublicKeyCredentialDescriptorJSON {
  /** The credential ID (base64url). */
  id: string;
  /** Always `'public-key'`. */
  type: 'public-key';
  /** Transports the credential was seen on. */
  transports?: string[];
}

/** `PublicKeyCredentialCreationOptionsJSON` (WebAuthn L3 §5.4), as `generateRegistrationOptions` gives it. */
export interface PublicKeyCredentialCreationOptionsJSON {
  /** The relying party. */
  rp: { name: string; id?: string };
  /** The account; `id` is base64url. */
  user: { id: string; name: string; displayName: string };
  /** The challenge (base64url). */
  challenge: string;
  /** Accepted algorithms, preferred first. */
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  /** Timeout in milliseconds. */
  timeout?: number;
  /** Credentials the user already has. */
  excludeCredentials?: PublicKeyCredentialDescriptorJSON[];
  /** Authenticator requirements. */
  authenticatorSelection?: {
    /** `'platform'` or `'cross-platform'`. */
    authenticatorAttachment?: string;
    /** `'discouraged'`, `'preferred'` or `'required'`. */
    residentKey?: string;
    /** Legacy form of `residentKey: 'required'`. */
    requireResidentKey?: boolean;
    /** `'discouraged'`, `'preferred'` or `'required'`. */
    userVerification?: string;
  };
  /** UI hints. */
  hints?: string[];
  /** `'none'`, `'indirect'`, `'direct'` or `'enterprise'`. */
  attestation?: string;
  /** Extension inputs. */
  extensions?: Record<string, unknown>;
}

/** `PublicKeyCredentialRequestOptionsJSON` (WebAuthn L3 §5.5), as `generateAuthenticationOptions` gives it. */
export interface PublicKeyCredentialRequestOptionsJSON {
  /** The challenge (base64url). */
  challenge: string;
  /** Timeout in milliseconds. */
  timeout?: number;
  /** The RP ID. */
  rpId?: string;
  /** Credentials that may be used; empty or absent for discoverable credentials. */
  allowCredentials?: PublicKeyCredentialDescriptorJSON[];
  /** `'discouraged'`, `'preferred'` or `'required'`. */
  userVerification?: string;
  /** UI hints. */
  hints?: string[];
  /** Extension inputs. */
  extensions?: Record<string, unknown>;
}

/** `RegistrationResponseJSON`, as `PublicKeyCredential.toJSON()` gives it for `create()`. */
export interface RegistrationResponseJSON {
  /** The credential ID (base64url). */
  id: string;
  /** Same as `id`. */
  rawId: string;
  /** The attestation response. */
  response: {
    /** clientDataJSON (base64url). */
    clientDataJSON: string;
    /** The attestation object (base64url). */
    attestationObject: string;
    /** authenticatorData (base64url). */
    authenticatorData?: string;
    /** Transports. */
    transports?: string[];
    /** The credential's COSE algorithm. */
    publicKeyAlgorithm?: number;
    /** The credential's SubjectPublicKeyInfo (base64url), for ES256 and EdDSA. */
    publicKey?: string;
  };
  /** `'cross-platform'` for a security key. */
  authenticatorAttachment?: string;
  /** Client extension outputs. */
  clientExtensionResults: Record<string, unknown>;
  /** Always `'public-key'`. */
  type: 'public-key';
}

/** `AuthenticationResponseJSON`, as `PublicKeyCredential.toJSON()` gives it for `get()`. */
export interface AuthenticationResponseJSON {
  /** The credential ID (base64url). */
  id: string;
  /** Same as `id`. */
  rawId: string;
  /** The assertion response. */
  response: {
    /** clientDataJSON (base64url). */
    clientDataJSON: string;
    /** authenticatorData (base64url). */
    authenticatorData: string;
    /** The signature (base64url). */
    signature: string;
    /** The user handle (base64url), for discoverable credentials. */
    userHandle?: string;
  };
  /** `'cross-platform'` for a security key. */
  authenticatorAttachment?: string;
  /** Client extension outputs. */
  clientExtensionResults: Record<string, unknown>;
  /** Always `'public-key'`. */
  type: 'public-key';
}
