/**
 * The browser side of WebAuthn: takes the options JSON from `@keyward/webauthn-server`, runs the
 * ceremony in the browser, and returns the response JSON the server verifies. One ceremony at a
 * time, typed errors with stable codes, passkey autofill with feature detection.
 *
 * @packageDocumentation
 */
export {
  isWebAuthnBrowserError,
  WebAuthnBrowserError,
  type WebAuthnBrowserErrorCode,
} from './errors.ts';
export {
  type AllAcceptedCredentialsOptions,
  type CurrentUserDetailsOptions,
  signalAllAcceptedCredentials,
  signalCurrentUserDetails,
  signalUnknownCredential,
  type UnknownCredentialOptions,
} from './signals.ts';
export { type StartAuthenticationOptions, startAuthentication } from './start-authentication.ts';
export { type StartRegistrationOptions, startRegistration } from './start-registration.ts';
export {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  type ClientCapabilities,
  getClientCapabilities,
  platformAuthenticatorIsAvailable,
} from './support.ts';
export type {
  AuthenticationExtensionsClientInputsJSON,
  AuthenticationExtensionsClientOutputsJSON,
  AuthenticationResponseJSON,
  AuthenticatorAssertionResponseJSON,
  AuthenticatorAttestationResponseJSON,
  AuthenticatorSelectionCriteriaJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialParametersJSON,
  PublicKeyCredentialRequestOptionsJSON,
  PublicKeyCredentialRpEntityJSON,
  PublicKeyCredentialUserEntityJSON,
  RegistrationResponseJSON,
} from './types.ts';
