/// <reference types="node" />
/**
 * The relying-party logic behind the test server's API, kept apart from HTTP.
 */
import { base64urlToBytes } from '@keyward/internal';
import {
  type AttestationConveyancePreference,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@keyward/webauthn-server';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../src/index.ts';

/** A registered credential as the test server keeps it. */
export interface StoredCredential {
  id: string;
  publicKey: Uint8Array;
  signCount: number;
  transports?: string[];
}

/** What registration verification reports back to the page. */
export interface RegistrationSummary {
  credentialId: string;
  fmt: string;
  userVerified: boolean;
  signCount: number;
  aaguid: string;
  attestationType?: string;
  credentialAlg?: number;
}

/** What authentication verification reports back to the page. */
export interface AuthenticationSummary {
  credentialId: string;
  newSignCount: number;
  userVerified: boolean;
}

/** The four ceremony steps of a relying party. */
export interface RelyingParty {
  registrationOptions(
    userName: string,
    account: { id: string; credentials: StoredCredential[] },
    params: Record<string, unknown>,
  ): Promise<PublicKeyCredentialCreationOptionsJSON>;
  verifyRegistration(
    response: unknown,
    challenge: string,
    origin: string,
    params: Record<string, unknown>,
  ): Promise<{ credential: StoredCredential; summary: RegistrationSummary }>;
  authenticationOptions(
    account: { credentials: StoredCredential[] },
    params: Record<string, unknown>,
  ): Promise<PublicKeyCredentialRequestOptionsJSON>;
  verifyAuthentication(
    response: unknown,
    challenge: string,
    origin: string,
    credential: StoredCredential,
    params: Record<string, unknown>,
  ): Promise<AuthenticationSummary>;
}

const RP_ID = 'localhost';

const fail = (message: string): Error => new Error(message);

function bytes(text: string | undefined, field: string): Uint8Array {
  const out = text === undefined ? undefined : base64urlToBytes(text);
  if (!out) throw fail(`${field} is not base64url`);
  return out;
}

function required(params: Record<string, unknown>): boolean {
  return params['userVerification'] === 'required';
}

/**
 * The real thing: `@keyward/webauthn-server` makes the options and verifies every response
 * (signatures, attestation statements, challenge, origin, RP ID, flags, counters).
 */
export const serverRelyingParty: RelyingParty = {
  async registrationOptions(userName, account, params) {
    return generateRegistrationOptions({
      rpName: 'Keyward test',
      rpID: RP_ID,
      userName,
      userDisplayName: userName,
      userID: bytes(account.id, 'user id'),
      timeout: Number(params['timeout'] ?? 60000),
      attestationType: (params['attestation'] ?? 'none') as AttestationConveyancePreference,
      authenticatorSelection: {
        residentKey: (params['residentKey'] ?? 'discouraged') as 'discouraged',
        userVerification: (params['userVerification'] ?? 'preferred') as 'preferred',
      },
      ...(params['extensions'] !== undefined && { extensions: params['extensions'] as Record<string, unknown> }),
      excludeCredentials: params['exclude']
        ? account.credentials.map((c) => ({ id: c.id, ...(c.transports && { transports: c.transports as 'usb'[] }) }))
        : [],
    });
  },
  async verifyRegistration(input, challenge, origin, params) {
    const response: RegistrationResponseJSON = input as RegistrationResponseJSON;
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: RP_ID,
      requireUserVerification: required(params),
    });
    const { credential } = verified;
    return {
      credential: {
        id: credential.id,
        publicKey: credential.publicKey,
        signCount: credential.signCount,
        ...(credential.transports && { transports: credential.transports }),
      },
      summary: {
        credentialId: credential.id,
        fmt: verified.fmt,
        userVerified: verified.userVerified,
        signCount: credential.signCount,
        aaguid: verified.aaguid,
        attestationType: verified.attestationType,
        credentialAlg: verified.credentialAlg,
      },
    };
  },
  async authenticationOptions(account, params) {
    return generateAuthenticationOptions({
      rpID: RP_ID,
      timeout: Number(params['timeout'] ?? 60000),
      userVerification: (params['userVerification'] ?? 'preferred') as 'preferred',
      ...(params['extensions'] !== undefined && { extensions: params['extensions'] as Record<string, unknown> }),
      allowCredentials: params['discoverable']
        ? []
        : account.credentials.map((c) => ({ id: c.id, ...(c.transports && { transports: c.transports as 'usb'[] }) })),
    });
  },
  async verifyAuthentication(input, challenge, origin, credential, params) {
    const response: AuthenticationResponseJSON = input as AuthenticationResponseJSON;
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: RP_ID,
      requireUserVerification: required(params),
      credential,
      ...(typeof params['userId'] === 'string' && { expectedUserHandle: params['userId'] }),
    });
    return {
      credentialId: verified.credentialId,
      newSignCount: verified.newSignCount,
      userVerified: verified.userVerified,
    };
  },
};

/** The relying party the browser tests run against. */
export async function relyingParty(): Promise<RelyingParty> {
  return serverRelyingParty;
}
