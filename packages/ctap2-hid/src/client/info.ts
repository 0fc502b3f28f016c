/** authenticatorGetInfo (CTAP 2.1 §6.4) decoded into named fields. */
import { bytesToHex } from '@keyward/internal';
import { CtapError } from '../errors.ts';
import { type CborMap, read } from './cbor.ts';

/** A public-key algorithm the key supports (getInfo `algorithms`). */
export interface PublicKeyCredentialParameters {
  /** Always `'public-key'`. */
  type: string;
  /** COSE algorithm identifier (-7 ES256, -8 EdDSA, -257 RS256, …). */
  alg: number;
}

/** What a key says about itself (authenticatorGetInfo, CTAP 2.1 §6.4), with the spec's field names. */
export interface AuthenticatorInfo {
  /** 0x01: protocol versions, such as `'FIDO_2_1'`, `'FIDO_2_0'`, `'U2F_V2'`. */
  versions: string[];
  /** 0x02: supported extensions (`'credProtect'`, `'hmac-secret'`, …). */
  extensions: string[];
  /** 0x03: the AAGUID as a UUID string (all zeros for U2F-only keys). */
  aaguid: string;
  /** 0x04: options such as `rk`, `up`, `clientPin`, `credMgmt`, `authnrCfg`, `setMinPINLength`. */
  options: Record<string, boolean>;
  /** 0x05: largest message the key accepts, in bytes. */
  maxMsgSize?: number;
  /** 0x06: PIN/UV auth protocols, most preferred first. */
  pinUvAuthProtocols: number[];
  /** 0x07: most credentials in an allow or exclude list. */
  maxCredentialCountInList?: number;
  /** 0x08: longest credential ID in such a list. */
  maxCredentialIdLength?: number;
  /** 0x09: transports (`'usb'`, `'nfc'`, …). */
  transports: string[];
  /** 0x0A: supported algorithms, most preferred first. */
  algorithms: PublicKeyCredentialParameters[];
  /** 0x0B: largest serialized large-blob array. */
  maxSerializedLargeBlobArray?: number;
  /** 0x0C: the PIN must be changed before it can be used. */
  forcePINChange: boolean;
  /** 0x0D: shortest PIN the key accepts, in Unicode code points (4 when not stated). */
  minPINLength: number;
  /** 0x0E: firmware version. */
  firmwareVersion?: number;
  /** 0x0F: largest credBlob. */
  maxCredBlobLength?: number;
  /** 0x10: most RP IDs setMinPINLength accepts. */
  maxRPIDsForSetMinPINLength?: number;
  /** 0x11: UV attempts a platform should offer. */
  preferredPlatformUVAttempts?: number;
  /** 0x12: built-in UV modality bit field. */
  uvModality?: number;
  /** 0x13: certifications (`FIPS-CMVP-2`: 2, …). */
  certifications?: Record<string, number>;
  /** 0x14: estimated room for more discoverable credentials. */
  remainingDiscoverableCredentials?: number;
  /** 0x15: vendor prototype config command ids. */
  vendorPrototypeConfigCommands?: number[];
  /** 0x16 (CTAP 2.2): attestation formats, preferred first. */
  attestationFormats?: string[];
  /** 0x17 (CTAP 2.2): UV uses since the last PIN entry. */
  uvCountSinceLastPinEntry?: number;
  /** 0x18 (CTAP 2.2): reset needs a long touch. */
  longTouchForReset?: boolean;
}

function textList(value: unknown[] | undefined, context: string): string[] {
  if (!value) return [];
  return value.map((item) => {
    if (typeof item !== 'string') throw new CtapError('ERR_MALFORMED', `${context}: a list entry is not text`);
    return item;
  });
}

function intList(value: unknown[] | undefined, context: string): number[] {
  if (!value) return [];
  return value.map((item) => {
    if (typeof item !== 'number' || !Number.isInteger(item))
      throw new CtapError('ERR_MALFORMED', `${context}: a list entry is not an integer`);
    return item;
  });
}

/** Formats 16 bytes as a UUID string. */
export function formatAaguid(bytes: Uint8Array): string {
  const hex = bytesToHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Decodes the authenticatorGetInfo answer map into {@link AuthenticatorInfo}. */
export function decodeInfo(map: CborMap): AuthenticatorInfo {
  const c = 'getInfo';
  const aaguid = read.bytes(map, 0x03, c);
  if (aaguid?.length !== 16) throw new CtapError('ERR_MALFORMED', 'getInfo: aaguid (0x03) must be 16 bytes');
  const options: Record<string, boolean> = {};
  for (const [key, value] of read.map(map, 0x04, c) ?? new Map()) {
    if (typeof key !== 'string' || typeof value !== 'boolean')
      throw new CtapError('ERR_MALFORMED', 'getInfo: options (0x04) must map text to booleans');
    options[key] = value;
  }
  const algorithms = (read.array(map, 0x0a, c) ?? []).map((entry) => {
    if (!(entry instanceof Map)) throw new CtapError('ERR_MALFORMED', 'getInfo: algorithms entry is not a map');
    const type = read.text(entry, 'type', c);
    const alg = read.int(entry, 'alg', c);
    if (type === undefined || alg === undefined)
      throw new CtapError('ERR_MALFORMED', 'getInfo: algorithms entry lacks type or alg');
    return { type, alg };
  });
  const info: AuthenticatorInfo = {
    versions: textList(read.array(map, 0x01, c), 'getInfo versions'),
    extensions: textList(read.array(map, 0x02, c), 'getInfo extensions'),
    aaguid: formatAaguid(aaguid),
    options,
    pinUvAuthProtocols: intList(read.array(map, 0x06, c), 'getInfo pinUvAuthProtocols'),
    transports: textList(read.array(map, 0x09, c), 'getInfo transports'),
    algorithms,
    forcePINChange: read.bool(map, 0x0c, c) ?? false,
    minPINLength: read.int(map, 0x0d, c) ?? 4,
  };
  if (info.versions.length === 0) throw new CtapError('ERR_MALFORMED', 'getInfo: versions (0x01) is missing');
  const optionalInts: [keyof AuthenticatorInfo, number][] = [
    ['maxMsgSize', 0x05],
    ['maxCredentialCountInList', 0x07],
    ['maxCredentialIdLength', 0x08],
    ['maxSerializedLargeBlobArray', 0x0b],
    ['firmwareVersion', 0x0e],
    ['maxCredBlobLength', 0x0f],
    ['maxRPIDsForSetMinPINLength', 0x10],
    ['preferredPlatformUVAttempts', 0x11],
    ['uvModality', 0x12],
    ['remainingDiscoverableCredentials', 0x14],
    ['uvCountSinceLastPinEntry', 0x17],
  ];
  const target = info as unknown as Record<string, unknown>;
  for (const [name, key] of optionalInts) {
    const value = read.int(map, key, c);
    if (value !== undefined) target[name] = value;
  }
  const certifications = read.map(map, 0x13, c);
  if (certifications) {
    const out: Record<string, number> = {};
    for (const [key, value] of certifications)
      if (typeof key === 'string' && typeof value === 'number') out[key] = value;
    info.certifications = out;
  }
  const vendor = read.array(map, 0x15, c);
  if (vendor) info.vendorPrototypeConfigCommands = intList(vendor, 'getInfo vendorPrototypeConfigCommands');
  const formats = read.array(map, 0x16, c);
  if (formats) info.attestationFormats = textList(formats, 'getInfo attestationFormats');
  const longTouch = read.bool(map, 0x18, c);
  if (longTouch !== undefined) info.longTouchForReset = longTouch;
  return info;
}

/** The getInfo a U2F-only key is described with (CTAP 2.1 §8.1: no CTAP2, so no getInfo). */
export function u2fOnlyInfo(): AuthenticatorInfo {
  return {
    versions: ['U2F_V2'],
    extensions: [],
    aaguid: '00000000-0000-0000-0000-000000000000',
    options: { rk: false, up: true, plat: false },
    pinUvAuthProtocols: [],
    transports: ['usb'],
    algorithms: [{ type: 'public-key', alg: -7 }],
    forcePINChange: false,
    minPINLength: 4,
  };
}
