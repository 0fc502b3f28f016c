/**
 * A test-only software authenticator: builds registration and authentication responses with
 * node:crypto keys, so that every branch of the verifiers can be reached with real signatures.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { bytesToBase64url, encodeCbor } from '@keyward/internal';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../../src/index.ts';
import { concat } from './pki.ts';

export const RP_ID = 'example.com';
export const ORIGIN = 'https://example.com';
export const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const FLAGS: {
  readonly UP: 1;
  readonly UV: 4;
  readonly BE: 8;
  readonly BS: 16;
  readonly AT: 64;
  readonly ED: 128;
} = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 };

export type TestAlg = -7 | -35 | -36 | -8 | -257 | -37 | -65535 | -258 | -38;

export interface Credential {
  alg: TestAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  cose: Uint8Array;
  id: Uint8Array;
}

const b64uToBytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));

export function coseOf(alg: TestAlg, publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.kty === 'EC') {
    const crv = { 'P-256': 1, 'P-384': 2, 'P-521': 3 }[jwk.crv as string] as number;
    return encodeCbor(
      new Map<number, unknown>([
        [1, 2],
        [3, alg],
        [-1, crv],
        [-2, b64uToBytes(jwk.x as string)],
        [-3, b64uToBytes(jwk.y as string)],
      ]),
    );
  }
  if (jwk.kty === 'OKP')
    return encodeCbor(
      new Map<number, unknown>([
        [1, 1],
        [3, alg],
        [-1, 6],
        [-2, b64uToBytes(jwk.x as string)],
      ]),
    );
  return encodeCbor(
    new Map<number, unknown>([
      [1, 3],
      [3, alg],
      [-1, b64uToBytes(jwk.n as string)],
      [-2, b64uToBytes(jwk.e as string)],
    ]),
  );
}

export function newCredential(alg: TestAlg = -7, idLength = 32): Credential {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (alg === -7) pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  else if (alg === -35) pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  else if (alg === -36) pair = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  else if (alg === -8) pair = generateKeyPairSync('ed25519');
  else pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const id = new Uint8Array(idLength).map((_, i) => (i * 31 + 7) & 0xff);
  crypto.getRandomValues(id.subarray(0, Math.min(8, idLength)));
  return { alg, ...pair, cose: coseOf(alg, pair.publicKey), id };
}

/** Signs like an authenticator: DER ECDSA, raw EdDSA, PKCS#1 v1.5 or PSS. */
export function signWith(alg: number, privateKey: KeyObject, data: Uint8Array): Uint8Array {
  switch (alg) {
    case -7:
      return new Uint8Array(sign('sha256', data, privateKey));
    case -35:
      return new Uint8Array(sign('sha384', data, privateKey));
    case -36:
      return new Uint8Array(sign('sha512', data, privateKey));
    case -8:
      return new Uint8Array(sign(null, data, privateKey));
    case -257:
      return new Uint8Array(sign('sha256', data, privateKey));
    case -258:
      return new Uint8Array(sign('sha384', data, privateKey));
    case -65535:
      return new Uint8Array(sign('sha1', data, privateKey));
    case -37:
      return new Uint8Array(sign('sha256', data, { key: privateKey, padding: 6, saltLength: 32 }));
    case -38:
      return new Uint8Array(sign('sha384', data, { key: privateKey, padding: 6, saltLength: 48 }));
    default:
      throw new Error(`test helper cannot sign alg ${alg}`);
  }
}

const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

export interface ClientDataOverrides {
  type?: string;
  challenge?: string;
  origin?: string;
  crossOrigin?: boolean;
  topOrigin?: string;
  raw?: string;
}

export function clientDataJSON(type: string, challenge: string, o: ClientDataOverrides = {}): Uint8Array {
  if (o.raw !== undefined) return utf8(o.raw);
  const obj: Record<string, unknown> = {
    type: o.type ?? type,
    challenge: o.challenge ?? challenge,
    origin: o.origin ?? ORIGIN,
  };
  if (o.crossOrigin !== undefined) obj.crossOrigin = o.crossOrigin;
  if (o.topOrigin !== undefined) obj.topOrigin = o.topOrigin;
  return utf8(JSON.stringify(obj));
}

export interface RegistrationBuild {
  credential?: Credential;
  fmt?: 'none' | 'packed-self' | 'packed-x5c' | 'fido-u2f' | string;
  flags?: number;
  rpId?: string;
  signCount?: number;
  aaguid?: Uint8Array;
  challenge?: string;
  clientData?: ClientDataOverrides;
  /** For packed-x5c / fido-u2f: the attestation key and chain. */
  attestationKey?: KeyObject;
  attestationAlg?: number;
  x5c?: Uint8Array[];
  /** Replace or add attStmt members after the statement is built. */
  attStmt?: (stmt: Map<string, unknown>) => Map<string, unknown>;
  extensions?: Map<unknown, unknown>;
  /** Bytes appended to authData (after the declared data). */
  trailing?: Uint8Array;
  /** Replace the COSE key bytes in authData. */
  coseOverride?: Uint8Array;
  /** Replace response.id/rawId. */
  id?: string;
}

export const TEST_AAGUID: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

export function buildRegistration(b: RegistrationBuild = {}): {
  response: RegistrationResponseJSON;
  challenge: string;
  credential: Credential;
} {
  const credential = b.credential ?? newCredential(-7);
  const challenge = b.challenge ?? bytesToBase64url(crypto.getRandomValues(new Uint8Array(32)));
  const fmt = b.fmt ?? 'none';
  const flags = b.flags ?? FLAGS.UP | FLAGS.UV | FLAGS.AT | (b.extensions ? FLAGS.ED : 0);
  const cose = b.coseOverride ?? credential.cose;
  const aaguid = b.aaguid ?? (fmt === 'fido-u2f' ? new Uint8Array(16) : TEST_AAGUID);
  const rpIdHash = sha256(utf8(b.rpId ?? RP_ID));
  let authData = concat(rpIdHash, Uint8Array.of(flags), u32(b.signCount ?? 0));
  if (flags & FLAGS.AT)
    authData = concat(
      authData,
      aaguid,
      Uint8Array.of(credential.id.length >> 8, credential.id.length & 0xff),
      credential.id,
      cose,
    );
  if (b.extensions) authData = concat(authData, encodeCbor(b.extensions));
  if (b.trailing) authData = concat(authData, b.trailing);
  const cdj = clientDataJSON('webauthn.create', challenge, b.clientData);
  const clientDataHash = sha256(cdj);
  let attStmt = new Map<string, unknown>();
  let fmtName = fmt;
  if (fmt === 'packed-self') {
    fmtName = 'packed';
    attStmt = new Map<string, unknown>([
      ['alg', credential.alg],
      ['sig', signWith(credential.alg, credential.privateKey, concat(authData, clientDataHash))],
    ]);
  } else if (fmt === 'packed-x5c') {
    fmtName = 'packed';
    const alg = b.attestationAlg ?? -7;
    attStmt = new Map<string, unknown>([
      ['alg', alg],
      ['sig', signWith(alg, b.attestationKey as KeyObject, concat(authData, clientDataHash))],
      ['x5c', b.x5c ?? []],
    ]);
  } else if (fmt === 'fido-u2f') {
    const jwk = credential.publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const point = concat(Uint8Array.of(4), b64uToBytes(jwk.x as string), b64uToBytes(jwk.y as string));
    const data = concat(Uint8Array.of(0), rpIdHash, clientDataHash, credential.id, point);
    attStmt = new Map<string, unknown>([
      ['sig', signWith(-7, b.attestationKey as KeyObject, data)],
      ['x5c', b.x5c ?? []],
    ]);
  }
  if (b.attStmt) attStmt = b.attStmt(attStmt);
  const attestationObject = encodeCbor(
    new Map<string, unknown>([
      ['fmt', fmtName],
      ['attStmt', attStmt],
      ['authData', authData],
    ]),
  );
  const id = b.id ?? bytesToBase64url(credential.id);
  return {
    challenge,
    credential,
    response: {
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: bytesToBase64url(cdj),
        attestationObject: bytesToBase64url(attestationObject),
        transports: ['usb', 'nfc'],
      },
    },
  };
}

export interface AuthenticationBuild {
  credential: Credential;
  flags?: number;
  rpId?: string;
  signCount?: number;
  challenge?: string;
  clientData?: ClientDataOverrides;
  userHandle?: string | null;
  extensions?: Map<unknown, unknown>;
  trailing?: Uint8Array;
  /** Corrupt the signature after signing. */
  tamper?: boolean;
  clientExtensionResults?: Record<string, unknown>;
  id?: string;
}

export function buildAuthentication(b: AuthenticationBuild): {
  response: AuthenticationResponseJSON;
  challenge: string;
} {
  const challenge = b.challenge ?? bytesToBase64url(crypto.getRandomValues(new Uint8Array(32)));
  const flags = b.flags ?? FLAGS.UP | FLAGS.UV | (b.extensions ? FLAGS.ED : 0);
  let authData = concat(sha256(utf8(b.rpId ?? RP_ID)), Uint8Array.of(flags), u32(b.signCount ?? 10));
  if (b.extensions) authData = concat(authData, encodeCbor(b.extensions));
  if (b.trailing) authData = concat(authData, b.trailing);
  const cdj = clientDataJSON('webauthn.get', challenge, b.clientData);
  const signature = signWith(b.credential.alg, b.credential.privateKey, concat(authData, sha256(cdj)));
  if (b.tamper) signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 0x01;
  const id = b.id ?? bytesToBase64url(b.credential.id);
  return {
    challenge,
    response: {
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: b.clientExtensionResults ?? {},
      response: {
        clientDataJSON: bytesToBase64url(cdj),
        authenticatorData: bytesToBase64url(authData),
        signature: bytesToBase64url(signature),
        ...(b.userHandle !== undefined ? { userHandle: b.userHandle } : {}),
      },
    },
  };
}
