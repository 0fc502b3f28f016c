/**
 * The Android Keystore attestation extension (OID 1.3.6.1.4.1.11129.2.1.17), `KeyDescription` in
 * Android's key attestation schema. Only the fields WebAuthn L3 §8.4 checks are decoded; the rest
 * of each `AuthorizationList` is skipped (each entry still has to be well-formed DER). Not public.
 */
import { malformed } from '../internal/errors.ts';
import {
  DER_CLASS,
  type DerNode,
  derChildren,
  derOctetString,
  derSmallInteger,
  isUniversal,
  readDerRoot,
} from './android-der.ts';

/** OID of the Android key attestation extension. */
export const ANDROID_KEY_DESCRIPTION_OID = '1.3.6.1.4.1.11129.2.1.17';

/** `KeyPurpose.SIGN` in the Android attestation schema. */
export const KM_PURPOSE_SIGN = 2;
/** `KeyPurpose.VERIFY`. */
export const KM_PURPOSE_VERIFY = 3;
/** `Origin.GENERATED`: the key was generated inside Keystore. */
export const KM_ORIGIN_GENERATED = 0;

/** The `AuthorizationList` fields WebAuthn reads. */
export interface AndroidAuthorizationList {
  /** `purpose [1] EXPLICIT SET OF INTEGER`, empty when absent. */
  readonly purpose: readonly number[];
  /** `origin [702] EXPLICIT INTEGER`, when present. */
  readonly origin?: number;
  /** Whether `allApplications [600] EXPLICIT NULL` is present. */
  readonly allApplications: boolean;
}

/** The `KeyDescription` fields WebAuthn reads. */
export interface AndroidKeyDescription {
  /** `attestationVersion`. */
  readonly attestationVersion: number;
  /** `attestationSecurityLevel` (0 software, 1 TEE, 2 StrongBox). */
  readonly attestationSecurityLevel: number;
  /** `attestationChallenge`: must equal clientDataHash. */
  readonly attestationChallenge: Uint8Array;
  /** `softwareEnforced` list. */
  readonly softwareEnforced: AndroidAuthorizationList;
  /** `teeEnforced` (`hardwareEnforced`) list. */
  readonly teeEnforced: AndroidAuthorizationList;
}

const TAG_PURPOSE = 1;
const TAG_ALL_APPLICATIONS = 600;
const TAG_ORIGIN = 702;
const SEQUENCE = 16;
const SET = 17;

/** The one element inside an EXPLICIT context tag. */
function explicitInner(bytes: Uint8Array, node: DerNode, what: string): DerNode {
  const inner = derChildren(bytes, node, what);
  if (inner.length !== 1) throw malformed(`${what}: explicit tag must hold exactly one value`);
  return inner[0] as DerNode;
}

function parseAuthorizationList(bytes: Uint8Array, node: DerNode | undefined, what: string): AndroidAuthorizationList {
  if (!isUniversal(node, SEQUENCE, true)) throw malformed(`${what}: expected SEQUENCE`);
  let purpose: number[] = [];
  let origin: number | undefined;
  let allApplications = false;
  const seen = new Set<number>();
  for (const entry of derChildren(bytes, node, what)) {
    // Every AuthorizationList field is an EXPLICIT context tag: constructed, one value inside.
    if (entry.tagClass !== DER_CLASS.CONTEXT || !entry.constructed)
      throw malformed(`${what}: entries must be explicit context tags`);
    if (seen.has(entry.tag)) throw malformed(`${what}: tag [${entry.tag}] appears twice`);
    seen.add(entry.tag);
    const inner = explicitInner(bytes, entry, `${what}[${entry.tag}]`);
    if (entry.tag === TAG_PURPOSE) {
      if (!isUniversal(inner, SET, true)) throw malformed(`${what}.purpose: expected SET OF INTEGER`);
      purpose = derChildren(bytes, inner, `${what}.purpose`).map((item, i) =>
        derSmallInteger(bytes, item, `${what}.purpose[${i}]`),
      );
    } else if (entry.tag === TAG_ORIGIN) {
      origin = derSmallInteger(bytes, inner, `${what}.origin`);
    } else if (entry.tag === TAG_ALL_APPLICATIONS) {
      allApplications = true;
    }
  }
  return origin === undefined ? { purpose, allApplications } : { purpose, origin, allApplications };
}

/**
 * Parses the DER value of the key description extension.
 *
 * @throws `ERR_MALFORMED` when it does not follow the schema.
 */
export function parseAndroidKeyDescription(der: Uint8Array): AndroidKeyDescription {
  const root = readDerRoot(der, 'KeyDescription');
  if (!isUniversal(root, SEQUENCE, true)) throw malformed('KeyDescription: expected SEQUENCE');
  const fields = derChildren(der, root, 'KeyDescription');
  if (fields.length < 8) throw malformed(`KeyDescription: expected 8 fields, found ${fields.length}`);
  return {
    attestationVersion: derSmallInteger(der, fields[0], 'KeyDescription.attestationVersion'),
    attestationSecurityLevel: derSmallInteger(der, fields[1], 'KeyDescription.attestationSecurityLevel'),
    attestationChallenge: derOctetString(der, fields[4], 'KeyDescription.attestationChallenge'),
    softwareEnforced: parseAuthorizationList(der, fields[6], 'KeyDescription.softwareEnforced'),
    teeEnforced: parseAuthorizationList(der, fields[7], 'KeyDescription.teeEnforced'),
  };
}
