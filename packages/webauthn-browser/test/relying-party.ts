/// <reference types="node" />
/**
 * The relying-party logic behind the test server's API, kept apart from HTTP.
 */
import { randomBytes } from 'node:crypto';
import { base64urlToBytes, bytesToBase64url, bytesToUtf8, decodeCbor } from '@keyward/internal';
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

const fail = (message: string): Error => new Error(message);

function bytes(text: string | undefined, field: string): Uint8Array {
  const out = text === undefined ? undefined : base64urlToBytes(text);
  if (!out) throw fail(`${field} is not base64url`);
  return out;
}

function checkClientData(text: string, type: string, challenge: string, origin: string): void {
  const clientData = JSON.parse(bytesToUtf8(bytes(text, 'clientDataJSON'))) as Record<string, unknown>;
  if (clientData['type'] !== type) throw fail(`type ${String(clientData['type'])}`);
  if (clientData['challenge'] !== challenge) throw fail('challenge mismatch');
  if (clientData['origin'] !== origin) throw fail(`origin ${String(clientData['origin'])} != ${origin}`);
}

function flags(authData: Uint8Array): { up: boolean; uv: boolean; signCount: number } {
  const f = authData[32] ?? 0;
  const view = new DataView(authData.buffer, authData.byteOffset, authData.byteLength);
  return { up: (f & 1) !== 0, uv: (f & 4) !== 0, signCount: view.getUint32(33) };
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Options the way any RP makes them, plus structural checks of the responses: client data,
 * attestation object, flags, counters. No signature checks: that is `@keyward/webauthn-server`'s
 * job (see `serverRelyingParty`).
 */
export const structuralRelyingParty: RelyingParty = {
  async registrationOptions(userName, account, params) {
    return {
      rp: { id: 'localhost', name: 'Keyward test' },
      user: { id: account.id, name: userName, displayName: userName },
      challenge: bytesToBase64url(randomBytes(32)),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
        { type: 'public-key', alg: -257 },
      ],
      timeout: Number(params['timeout'] ?? 60000),
      attestation: String(params['attestation'] ?? 'none'),
      authenticatorSelection: {
        residentKey: String(params['residentKey'] ?? 'discouraged'),
        userVerification: String(params['userVerification'] ?? 'preferred'),
      },
      excludeCredentials: params['exclude']
        ? account.credentials.map((c) => ({
            id: c.id,
            type: 'public-key',
            ...(c.transports && { transports: c.transports }),
          }))
        : [],
    };
  },
  async verifyRegistration(input, challenge, origin) {
    const response = input as RegistrationResponseJSON;
    checkClientData(response.response.clientDataJSON, 'webauthn.create', challenge, origin);
    const attestation = decodeCbor(bytes(response.response.attestationObject, 'attestationObject'), fail) as Map<
      string,
      unknown
    > &
      Record<string, unknown>;
    const get = (key: string) => (attestation instanceof Map ? attestation.get(key) : attestation[key]);
    const authData = get('authData') as Uint8Array;
    const { uv, signCount } = flags(authData);
    const idLength = ((authData[53] ?? 0) << 8) | (authData[54] ?? 0);
    const id = bytesToBase64url(authData.subarray(55, 55 + idLength));
    if (id !== response.id || response.rawId !== response.id) throw fail('credential id mismatch');
    return {
      credential: {
        id,
        publicKey: authData.subarray(55 + idLength),
        signCount,
        transports: response.response.transports,
      },
      summary: {
        credentialId: id,
        fmt: String(get('fmt')),
        userVerified: uv,
        signCount,
        aaguid: hex(authData.subarray(37, 53)),
      },
    };
  },
  async authenticationOptions(account, params) {
    return {
      challenge: bytesToBase64url(randomBytes(32)),
      rpId: 'localhost',
      timeout: Number(params['timeout'] ?? 60000),
      userVerification: String(params['userVerification'] ?? 'preferred'),
      allowCredentials: params['discoverable']
        ? []
        : account.credentials.map((c) => ({
            id: c.id,
            type: 'public-key',
            ...(c.transports && { transports: c.transports }),
          })),
    };
  },
  async verifyAuthentication(input, challenge, origin, credential) {
    const response = input as AuthenticationResponseJSON;
    checkClientData(response.response.clientDataJSON, 'webauthn.get', challenge, origin);
    const { uv, signCount } = flags(bytes(response.response.authenticatorData, 'authenticatorData'));
    bytes(response.response.signature, 'signature');
    return { credentialId: credential.id, newSignCount: signCount, userVerified: uv };
  },
};

/** The relying party the browser tests run against. */
export async function relyingParty(): Promise<RelyingParty> {
  return structuralRelyingParty;
}
