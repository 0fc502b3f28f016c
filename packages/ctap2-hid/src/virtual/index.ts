/** The virtual authenticator (device side): public names, re-exported by the package entry. */
export {
  approvePresence,
  delayPresence,
  denyPresence,
  type UserPresenceApprover,
  type UserPresenceKind,
  type UserPresenceRequest,
} from './presence.ts';
export { type ServeUdpOptions, serveUdp, type UdpAuthenticatorServer } from './serve-udp.ts';
export {
  type StoredCredentialState,
  VIRTUAL_AUTHENTICATOR_STATE_FORMAT,
  VIRTUAL_AUTHENTICATOR_STATE_VERSION,
  type VirtualAuthenticatorState,
} from './state.ts';
export {
  type AttestationCa,
  generateAttestationCa,
  VIRTUAL_AUTHENTICATOR_AAGUID,
  VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from './virtual-authenticator.ts';
