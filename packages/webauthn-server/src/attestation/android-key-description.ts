/**
 * The Android Keystore attestation extension (OID 1.3.6.1.4.1.11129.2.1.17), `KeyDescription` in
 * Android's key attestation schema. Only the fields WebAuthn L3 §8.4 checks are decoded; the rest
 * of each `AuthorizationList` is skipped. Not public.
 */
import { malformed } from '../internal/errors.ts';
import {
  ASN1_TAG,
  type Asn1Node,
  constructedChildren,
  explicitInner,
  isContext,
  octetString,
  parseDer,
  sequenceOf,
  smallInteger,
} from './android-asn1.ts';

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

function parseAuthorizationList(node: Asn1Node | undefined, what: string): AndroidAuthorizationList {
  const entries = sequenceOf(node, what);
  let purpose: number[] = [];
  let origin: number | undefined;
  let allApplications = false;
  const seen = new Set<number>();
  for (const entry of entries) {
    const tag = entry.idBlock.tagNumber;
    if (!isContext(entry, tag)) throw malformed(`${what}: entries must be context-tagged`);
    if (seen.has(tag)) throw malformed(`${what}: tag [${tag}] appears twice`);
    seen.add(tag);
    if (tag === TAG_PURPOSE) {
      const set = sequenceOf(explicitInner(entry, `${what}.purpose`), `${what}.purpose`, ASN1_TAG.SET);
      purpose = set.map((item, i) => smallInteger(item, `${what}.purpose[${i}]`));
    } else if (tag === TAG_ORIGIN) {
      origin = smallInteger(explicitInner(entry, `${what}.origin`), `${what}.origin`);
    } else if (tag === TAG_ALL_APPLICATIONS) {
      allApplications = true;
    } else {
      // Every AuthorizationList field is EXPLICIT: it must be constructed, whatever it holds.
      constructedChildren(entry, `${what}[${tag}]`);
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
  const fields = sequenceOf(parseDer(der, 'KeyDescription'), 'KeyDescription');
  if (fields.length < 8) throw malformed(`KeyDescription: expected 8 fields, found ${fields.length}`);
  return {
    attestationVersion: smallInteger(fields[0], 'KeyDescription.attestationVersion'),
    attestationSecurityLevel: smallInteger(fields[1], 'KeyDescription.attestationSecurityLevel'),
    attestationChallenge: octetString(fields[4], 'KeyDescription.attestationChallenge'),
    softwareEnforced: parseAuthorizationList(fields[6], 'KeyDescription.softwareEnforced'),
    teeEnforced: parseAuthorizationList(fields[7], 'KeyDescription.teeEnforced'),
  };
}
