/**
 * CTAP2 over USB HID: a host driver for FIDO2 security keys, a software authenticator that speaks
 * CTAPHID, and the `keyward-token` and `keyward-authenticator` command-line tools.
 *
 * @packageDocumentation
 */

// --- driver (host side): owned by the driver work ---
export type { CeremonyOptions } from './ceremonies/common.ts';
export { createCredential } from './ceremonies/create-credential.ts';
export { type GetCredentialOptions, getCredential } from './ceremonies/get-credential.ts';
export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from './ceremonies/types.ts';
export type { ParsedAuthenticatorData } from './client/authenticator-data.ts';
export type { ClientPin, PinRetries } from './client/client-pin.ts';
export type {
  AuthenticatorConfig,
  SetMinPinLengthParams,
} from './client/config.ts';
export type { PinUvAuthToken } from './client/connection.ts';
export type {
  CredentialManagement,
  CredentialManagementOptions,
  CredentialsMetadata,
  StoredCredential,
  StoredRp,
} from './client/credential-management.ts';
export type {
  AssertionResult,
  AuthenticatorOptions,
  CredentialDescriptor,
  GetAssertionParams,
  MakeCredentialParams,
  MakeCredentialResult,
  RpEntity,
  UserEntity,
} from './client/credentials.ts';
export { Ctap2Client, type Ctap2ClientOptions, selectAuthenticator } from './client/ctap2-client.ts';
export type { AuthenticatorInfo, PublicKeyCredentialParameters } from './client/info.ts';
export type { PinUvAuthProtocolVersion } from './client/pin-protocol.ts';
export { CTAP2_STATUS, type Ctap2StatusName, PIN_PERMISSION } from './ctap2/constants.ts';
export { CtapError, type CtapErrorCode, type CtapErrorOptions, ctapStatusName, isCtapError } from './errors.ts';
export type { CallOptions, ChannelOptions, HidDeviceInfo, KeepaliveStatus } from './hid/channel.ts';
export type { HidTransport } from './hid/transport.ts';
export { type HidReportHandler, MemoryHidTransport } from './transports/memory.ts';
export {
  FIDO_USAGE_PAGE,
  type FidoDeviceDescriptor,
  type NodeHidDevice,
  type NodeHidModule,
  type NodeHidOptions,
  NodeHidTransport,
  udevRuleFor,
} from './transports/node-hid.ts';
export { UdpHidTransport } from './transports/udp.ts';
// --- end driver ---

// --- virtual authenticator (device side): owned by the virtual-authenticator work ---
export {
  type AttestationCa,
  approvePresence,
  delayPresence,
  denyPresence,
  generateAttestationCa,
  type ServeUdpOptions,
  type StoredCredentialState,
  serveUdp,
  type UdpAuthenticatorServer,
  type UserPresenceApprover,
  type UserPresenceKind,
  type UserPresenceRequest,
  VIRTUAL_AUTHENTICATOR_AAGUID,
  VIRTUAL_AUTHENTICATOR_STATE_FORMAT,
  VIRTUAL_AUTHENTICATOR_STATE_VERSION,
  VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
  type VirtualAuthenticatorState,
} from './virtual/index.ts';
// --- end virtual ---
