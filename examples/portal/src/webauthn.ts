import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type CredentialDescriptorInput,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@keyward/webauthn-server';
import type { Services } from './context.ts';
import type { MethodRow } from './store/accounts.ts';

/** The JSON a browser needs to run a ceremony (what the options generators return). */
export type CreationOptionsJSON = Awaited<ReturnType<typeof generateRegistrationOptions>>;
/** Request options JSON. */
export type RequestOptionsJSON = Awaited<ReturnType<typeof generateAuthenticationOptions>>;
/** A verified registration. */
export type Registration = Awaited<ReturnType<typeof verifyRegistrationResponse>>;
/** A verified assertion. */
export type Assertion = Awaited<ReturnType<typeof verifyAuthenticationResponse>>;

const TIMEOUT_MS = 120_000;

/** A stored key as a credential descriptor (transports as the key reported them at registration). */
function descriptor(m: MethodRow): CredentialDescriptorInput {
  return m.transports
    ? { id: m.credential_id as string, transports: m.transports as AuthenticatorTransport[] }
    : { id: m.credential_id as string };
}

/** Creation options for a security key with a PIN (user verification required), not a passkey. */
export async function registrationOptions(
  s: Services,
  user: { id: string; username: string; displayName: string },
  existing: MethodRow[],
): Promise<CreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: s.config.serviceName,
    rpID: s.config.rpID,
    userName: user.username,
    userDisplayName: user.displayName,
    userID: new TextEncoder().encode(user.id),
    timeout: TIMEOUT_MS,
    attestationType: 'direct',
    excludeCredentials: existing.filter((m) => m.kind === 'fido2' && m.credential_id).map(descriptor),
    authenticatorSelection: { residentKey: 'discouraged', userVerification: 'required' },
    hints: ['security-key'],
  });
}

/** Request options offering `keys` with user verification required (the key asks for its PIN). */
export async function authenticationOptions(s: Services, keys: MethodRow[]): Promise<RequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: s.config.rpID,
    timeout: TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: keys.map(descriptor),
  });
}

/** Verifies a registration against a challenge already consumed from the database. */
export function verifyRegistration(s: Services, response: unknown, challenge: string): Promise<Registration> {
  return verifyRegistrationResponse({
    // Untrusted JSON: the library checks its shape and throws ERR_MALFORMED for anything else.
    response: response as RegistrationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: s.config.origin,
    expectedRPID: s.config.rpID,
    requireUserVerification: true,
  });
}

/** Verifies an assertion for a stored key. */
export function verifyAssertion(s: Services, response: unknown, challenge: string, key: MethodRow): Promise<Assertion> {
  return verifyAuthenticationResponse({
    response: response as AuthenticationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: s.config.origin,
    expectedRPID: s.config.rpID,
    requireUserVerification: true,
    credential: {
      id: key.credential_id as string,
      publicKey: key.public_key as Uint8Array,
      signCount: Number(key.sign_count ?? 0),
    },
  });
}

/**
 * Reads the challenge out of a response's clientDataJSON so it can be consumed atomically
 * before verification (the library then checks it matches). Undefined for anything malformed.
 */
export function challengeOf(response: unknown): string | undefined {
  try {
    const r = response as { response?: { clientDataJSON?: unknown } };
    const data = r.response?.clientDataJSON;
    if (typeof data !== 'string' || data.length > 4096) return undefined;
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && parsed.challenge.length <= 256 ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

/** The credential id a response claims (to find the stored key). */
export function credentialIdOf(response: unknown): string | undefined {
  const id = (response as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 1400 ? id : undefined;
}

/** Parses the `response` form field (the client bundle puts the JSON there). */
export function parseResponseField(value: string): unknown {
  if (value.length === 0 || value.length > 64 * 1024) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
