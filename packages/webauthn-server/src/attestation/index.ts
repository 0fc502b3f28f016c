/** The registry of attestation statement format verifiers, keyed by `fmt`. */
import { verifyAndroidKey } from './android-key.ts';
import { verifyAndroidSafetyNet } from './android-safetynet.ts';
import { verifyApple } from './apple.ts';
import { verifyFidoU2f } from './fido-u2f.ts';
import { verifyNone } from './none.ts';
import { verifyPacked } from './packed.ts';
import { verifyTpm } from './tpm.ts';
import type { AttestationFormatVerifier } from './types.ts';

/** Built-in verifiers by attestation statement format identifier (IANA "WebAuthn Attestation Statement Format Identifiers"). */
export const ATTESTATION_FORMATS: ReadonlyMap<string, AttestationFormatVerifier> = /* @__PURE__ */ new Map<
  string,
  AttestationFormatVerifier
>([
  ['none', verifyNone],
  ['packed', verifyPacked],
  ['fido-u2f', verifyFidoU2f],
  ['tpm', verifyTpm],
  ['android-key', verifyAndroidKey],
  ['android-safetynet', verifyAndroidSafetyNet],
  ['apple', verifyApple],
]);

export type {
  AttestationFormatInput,
  AttestationFormatResult,
  AttestationFormatVerifier,
  AttestationType,
} from './types.ts';
