/**
 * The persistent part of a virtual authenticator, as a JSON-serialisable value, and its strict
 * validation: a state that is not exactly what this version writes is refused, never repaired.
 */
import { base64urlToBytes, bytesToBase64url, isBase64url } from '@keyward/internal';
import { CtapError } from '../errors.ts';

/** The `format` tag of {@link VirtualAuthenticatorState}. */
export const VIRTUAL_AUTHENTICATOR_STATE_FORMAT = 'keyward-virtual-authenticator';
/** The `version` of {@link VirtualAuthenticatorState} this release reads and writes. */
export const VIRTUAL_AUTHENTICATOR_STATE_VERSION = 1;

/** A discoverable credential as stored (binary values are base64url without padding). */
export interface StoredCredentialState {
  /** Credential id. */
  id: string;
  /** RP ID. */
  rpId: string;
  /** RP name, when the platform sent one. */
  rpName?: string;
  /** User handle. */
  userId: string;
  /** User name, when sent. */
  userName?: string;
  /** User display name, when sent. */
  userDisplayName?: string;
  /** COSE algorithm: -7 (ES256) or -8 (EdDSA). */
  alg: -7 | -8;
  /** Private key (32 bytes). */
  privateKey: string;
  /** credProtect level 1, 2 or 3. */
  credProtect: 1 | 2 | 3;
  /** Whether the hmac-secret extension was enabled at creation. */
  hmacSecret: boolean;
  /** Creation order (a counter), newest highest. */
  created: number;
}

/**
 * Everything a virtual authenticator keeps across power cycles: what a real key keeps in flash.
 * JSON-serialisable; produced by {@link VirtualAuthenticator.exportState}.
 *
 * @remarks It holds private keys and the PIN hash: store it like a secret.
 */
export interface VirtualAuthenticatorState {
  /** Always `'keyward-virtual-authenticator'`. */
  format: typeof VIRTUAL_AUTHENTICATOR_STATE_FORMAT;
  /** Always `1` for this release. */
  version: typeof VIRTUAL_AUTHENTICATOR_STATE_VERSION;
  /** AAGUID in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` form. */
  aaguid: string;
  /** The device secret that wraps non-discoverable credential ids (32 bytes). */
  masterKey: string;
  /** The global signature counter. */
  signCount: number;
  /** LEFT(SHA-256(PIN), 16) and the PIN's length in code points, or `null` when no PIN is set. */
  pin: { hash: string; codePoints: number } | null;
  /** pinRetries (0–8). */
  pinRetries: number;
  /** Current minimum PIN length in code points (4–63). */
  minPinLength: number;
  /** forcePINChange (CTAP 2.1 §6.11). */
  forcePinChange: boolean;
  /** alwaysUv (CTAP 2.1 §6.11.2). */
  alwaysUv: boolean;
  /** Next creation-order number for discoverable credentials. */
  nextCreated: number;
  /** Attestation material: root CA certificate, batch certificate and batch private key. */
  attestation: { rootCertificate: string; batchCertificate: string; batchPrivateKey: string };
  /** Discoverable credentials. */
  credentials: StoredCredentialState[];
}

const corrupt = (message: string): never => {
  throw new CtapError('ERR_STATE_CORRUPT', `Virtual authenticator state is corrupt: ${message}`);
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) corrupt(`unknown field ${where}.${key}`);
}

function b64(value: unknown, where: string, length?: number): string {
  if (typeof value !== 'string' || !isBase64url(value)) return corrupt(`${where} is not base64url`);
  const found = base64urlToBytes(value)?.length;
  if (found === undefined || (length !== undefined && found !== length))
    return corrupt(`${where} must be ${length ?? 'some'} bytes, found ${found ?? 'invalid base64url'}`);
  return value;
}

function int(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return corrupt(`${where} must be an integer in ${min}..${max}`);
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') return corrupt(`${where} must be a boolean`);
  return value;
}

function optText(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return corrupt(`${where} must be a string`);
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function credential(value: unknown, where: string): StoredCredentialState {
  if (!isObject(value)) return corrupt(`${where} is not an object`);
  onlyKeys(
    value,
    [
      'id',
      'rpId',
      'rpName',
      'userId',
      'userName',
      'userDisplayName',
      'alg',
      'privateKey',
      'credProtect',
      'hmacSecret',
      'created',
    ],
    where,
  );
  if (typeof value.rpId !== 'string' || value.rpId.length === 0) return corrupt(`${where}.rpId must be a string`);
  if (value.alg !== -7 && value.alg !== -8) return corrupt(`${where}.alg must be -7 or -8`);
  const credProtect = int(value.credProtect, `${where}.credProtect`, 1, 3) as 1 | 2 | 3;
  const out: StoredCredentialState = {
    id: b64(value.id, `${where}.id`),
    rpId: value.rpId,
    userId: b64(value.userId, `${where}.userId`),
    alg: value.alg,
    privateKey: b64(value.privateKey, `${where}.privateKey`, 32),
    credProtect,
    hmacSecret: bool(value.hmacSecret, `${where}.hmacSecret`),
    created: int(value.created, `${where}.created`, 0, Number.MAX_SAFE_INTEGER),
  };
  const rpName = optText(value.rpName, `${where}.rpName`);
  if (rpName !== undefined) out.rpName = rpName;
  const userName = optText(value.userName, `${where}.userName`);
  if (userName !== undefined) out.userName = userName;
  const userDisplayName = optText(value.userDisplayName, `${where}.userDisplayName`);
  if (userDisplayName !== undefined) out.userDisplayName = userDisplayName;
  return out;
}

/**
 * Checks that `value` is a state this release wrote, and returns a fresh copy of it.
 *
 * @throws {@link CtapError} `ERR_STATE_FOREIGN` when `format`/`version` are not ours;
 *   `ERR_STATE_CORRUPT` for any other deviation.
 */
export function validateState(value: unknown): VirtualAuthenticatorState {
  if (!isObject(value)) return corrupt('not a JSON object');
  if (value.format !== VIRTUAL_AUTHENTICATOR_STATE_FORMAT)
    throw new CtapError(
      'ERR_STATE_FOREIGN',
      `Not a virtual authenticator state: format is ${JSON.stringify(value.format)}, expected "${VIRTUAL_AUTHENTICATOR_STATE_FORMAT}"`,
    );
  if (value.version !== VIRTUAL_AUTHENTICATOR_STATE_VERSION)
    throw new CtapError(
      'ERR_STATE_FOREIGN',
      `Unsupported virtual authenticator state version ${JSON.stringify(value.version)}, expected ${VIRTUAL_AUTHENTICATOR_STATE_VERSION}`,
    );
  onlyKeys(
    value,
    [
      'format',
      'version',
      'aaguid',
      'masterKey',
      'signCount',
      'pin',
      'pinRetries',
      'minPinLength',
      'forcePinChange',
      'alwaysUv',
      'nextCreated',
      'attestation',
      'credentials',
    ],
    'state',
  );
  if (typeof value.aaguid !== 'string' || !UUID.test(value.aaguid)) return corrupt('aaguid is not a lower-case UUID');
  let pin: VirtualAuthenticatorState['pin'] = null;
  if (value.pin !== null) {
    if (!isObject(value.pin)) return corrupt('pin must be an object or null');
    onlyKeys(value.pin, ['hash', 'codePoints'], 'pin');
    pin = { hash: b64(value.pin.hash, 'pin.hash', 16), codePoints: int(value.pin.codePoints, 'pin.codePoints', 1, 63) };
  }
  const attestation = value.attestation;
  if (!isObject(attestation)) return corrupt('attestation must be an object');
  onlyKeys(attestation, ['rootCertificate', 'batchCertificate', 'batchPrivateKey'], 'attestation');
  if (!Array.isArray(value.credentials)) return corrupt('credentials must be an array');
  return {
    format: VIRTUAL_AUTHENTICATOR_STATE_FORMAT,
    version: VIRTUAL_AUTHENTICATOR_STATE_VERSION,
    aaguid: value.aaguid,
    masterKey: b64(value.masterKey, 'masterKey', 32),
    signCount: int(value.signCount, 'signCount', 0, 0xffffffff),
    pin,
    pinRetries: int(value.pinRetries, 'pinRetries', 0, 8),
    minPinLength: int(value.minPinLength, 'minPinLength', 4, 63),
    forcePinChange: bool(value.forcePinChange, 'forcePinChange'),
    alwaysUv: bool(value.alwaysUv, 'alwaysUv'),
    nextCreated: int(value.nextCreated, 'nextCreated', 0, Number.MAX_SAFE_INTEGER),
    attestation: {
      rootCertificate: b64(attestation.rootCertificate, 'attestation.rootCertificate'),
      batchCertificate: b64(attestation.batchCertificate, 'attestation.batchCertificate'),
      batchPrivateKey: b64(attestation.batchPrivateKey, 'attestation.batchPrivateKey', 32),
    },
    credentials: value.credentials.map((entry, i) => credential(entry, `credentials[${i}]`)),
  };
}

/** The AAGUID string form of 16 bytes. */
export function aaguidToString(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of an AAGUID string; `undefined` when it is not a UUID. */
export function aaguidFromString(text: string): Uint8Array | undefined {
  const lower = text.toLowerCase();
  if (!UUID.test(lower)) return undefined;
  const hex = lower.replaceAll('-', '');
  return Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

export { base64urlToBytes as fromB64, bytesToBase64url as toB64 };
