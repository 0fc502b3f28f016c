// A fast software security key for load and fault runs: ES256 with node:crypto, WebAuthn
// responses built by hand (authenticatorData, clientDataJSON, `none` attestation). The
// protocol-level tests use @keyward/ctap2-hid's VirtualAuthenticator instead; this one exists
// so the load generator is not the bottleneck.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** Minimal CBOR for what an attestation object and a COSE key need. */
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(n, 1);
  return b;
}
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;
function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const s = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, s.length), s]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

/** The JSON a browser posts for an assertion. */
export interface AssertionJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
  clientExtensionResults: Record<string, never>;
}

/** The JSON a browser posts for a registration (`none` attestation). */
export interface RegistrationJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  clientExtensionResults: Record<string, never>;
}

/** A P-256 key pair. */
export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh P-256 key pair. */
export function newKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** An ES256 credential held in memory. */
export class SoftKey {
  readonly credentialId: Uint8Array;
  readonly id: string;
  /** The COSE_Key (EC2, P-256, ES256), as the portal stores it. */
  readonly cosePublicKey: Uint8Array;
  readonly #privateKey: KeyObject;
  counter = 0;

  /**
   * A new credential id; `pair` lets many credentials share one key pair (load runs: every
   * user gets a credential of their own without generating thousands of keys).
   */
  constructor(pair: KeyPair = newKeyPair()) {
    this.#privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x as string, 'base64url');
    const y = Buffer.from(jwk.y as string, 'base64url');
    this.cosePublicKey = cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, x],
        [-3, y],
      ]),
    );
    this.credentialId = randomBytes(32);
    this.id = b64u(this.credentialId);
  }

  #authData(rpID: string, flags: number, extra: Uint8Array = new Uint8Array()): Buffer {
    const count = Buffer.alloc(4);
    this.counter += 1;
    count.writeUInt32BE(this.counter);
    return Buffer.concat([createHash('sha256').update(rpID).digest(), Buffer.from([flags]), count, extra]);
  }

  /** A registration response (user present and verified, `none` attestation). */
  register(challenge: string, origin: string, rpID = 'localhost'): RegistrationJSON {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge, origin, crossOrigin: false }));
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLen, this.credentialId, this.cosePublicKey]);
    const authData = this.#authData(rpID, 0x01 | 0x04 | 0x40, attested);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64u(clientData), attestationObject: b64u(attestationObject), transports: ['usb'] },
      clientExtensionResults: {},
    };
  }

  /** An assertion over `challenge` (user present and verified). */
  assert(challenge: string, origin: string, rpID = 'localhost'): AssertionJSON {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
    const authData = this.#authData(rpID, 0x01 | 0x04);
    const signed = Buffer.concat([authData, createHash('sha256').update(clientData).digest()]);
    const signature = sign('sha256', signed, this.#privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64u(clientData), authenticatorData: b64u(authData), signature: b64u(signature) },
      clientExtensionResults: {},
    };
  }
}
