/**
 * The `android-safetynet` attestation statement format (WebAuthn L3 §8.5): a SafetyNet
 * attestation JWS from Google Play services whose nonce binds it to this registration.
 */
import { bytesToUtf8, concatBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyWithSpki } from '../crypto/verify.ts';
import { isWebAuthnError } from '../errors.ts';
import { fail, guard, malformed } from '../internal/errors.ts';
import { jwsSignatureInput, parseCompactJws } from '../metadata/jws.ts';
import { parseCertificateCached } from '../x509/cache.ts';
import { NAME_OID } from '../x509/certificate.ts';
import { stmtBytes } from './statement.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

/** The host name SafetyNet's signing certificate is issued to. */
const SAFETYNET_HOSTNAME = 'attest.android.com';

/** Options of {@link createAndroidSafetyNetVerifier}. */
export interface AndroidSafetyNetVerifierOptions {
  /**
   * How old (ms before `now`) the SafetyNet response's `timestampMs` may be. The response is
   * requested during the registration ceremony, so it is only seconds old when genuine.
   *
   * @defaultValue 60000
   */
  readonly maxAgeMs?: number;
  /**
   * How far (ms after `now`) `timestampMs` may lie, to absorb clock differences between the relying
   * party and Google's servers.
   *
   * @defaultValue 60000
   */
  readonly maxClockSkewMs?: number;
}

/** Standard base64 with padding (RFC 4648 §4), as SafetyNet encodes its nonce. */
function standardBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

async function verify(
  input: AttestationFormatInput,
  maxAgeMs: number,
  maxClockSkewMs: number,
): Promise<AttestationFormatResult> {
  const { attStmt } = input;
  const ver = attStmt.get('ver');
  if (typeof ver !== 'string' || ver === '') {
    throw fail(
      'ERR_ATTESTATION',
      'android-safetynet: attStmt.ver (the Google Play services version) must be a non-empty string',
    );
  }
  const response = stmtBytes(attStmt, 'response', 'android-safetynet');
  const jws = parseCompactJws(
    guard('android-safetynet: response', () => bytesToUtf8(response)),
    'android-safetynet: response',
  );
  if (jws.x5c.length === 0) throw malformed('android-safetynet: the response JWS has no x5c header');
  const { payload } = jws;

  // §8.5.2: nonce = base64(SHA-256(authenticatorData || clientDataHash)).
  const expectedNonce = standardBase64(sha256(concatBytes(input.authData, input.clientDataHash)));
  if (typeof payload.nonce !== 'string') throw malformed('android-safetynet: payload.nonce must be a string');
  if (payload.nonce !== expectedNonce)
    throw fail(
      'ERR_ATTESTATION',
      'android-safetynet: payload.nonce is not base64(SHA-256(authData || clientDataHash))',
    );

  // §8.5.2: the response comes from the SafetyNet service: the leaf is issued to attest.android.com
  // (RFC 6125: DNS names of the SAN when present, else the subject CN) and signed the JWS.
  const leaf = parseCertificateCached(jws.x5c[0] as Uint8Array);
  const dnsNames = (leaf.subjectAltName ?? []).filter((name) => name.tag === 2).map((name) => name.text);
  const hostOk =
    dnsNames.length > 0
      ? dnsNames.includes(SAFETYNET_HOSTNAME)
      : leaf.subject.some((a) => a.type === NAME_OID.CN && a.value === SAFETYNET_HOSTNAME);
  if (!hostOk)
    throw fail('ERR_ATTESTATION', `android-safetynet: the signing certificate is not issued to ${SAFETYNET_HOSTNAME}`);
  let valid: boolean;
  try {
    const { coseAlg, signature } = jwsSignatureInput(jws, 'android-safetynet: response');
    valid = await verifyWithSpki(leaf.spki, coseAlg, jws.signingInput, signature);
  } catch (cause) {
    if (isWebAuthnError(cause) && cause.code === 'ERR_MALFORMED') throw cause;
    throw fail(
      'ERR_ATTESTATION',
      `android-safetynet: cannot verify JWS alg ${JSON.stringify(jws.header.alg)} with the leaf key`,
      cause,
    );
  }
  if (!valid) {
    throw fail(
      'ERR_ATTESTATION',
      'android-safetynet: the response JWS signature does not verify with its leaf certificate',
    );
  }

  // §8.5.2: ctsProfileMatch must be true.
  if (payload.ctsProfileMatch !== true) throw fail('ERR_ATTESTATION', 'android-safetynet: ctsProfileMatch is not true');

  // The response must be fresh: timestampMs within [now - maxAge, now + skew].
  const timestampMs = payload.timestampMs;
  if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs))
    throw malformed('android-safetynet: payload.timestampMs must be a number');
  const now = input.now.getTime();
  if (timestampMs > now + maxClockSkewMs) {
    throw fail(
      'ERR_ATTESTATION',
      `android-safetynet: timestampMs ${timestampMs} is more than ${maxClockSkewMs} ms after now (${now})`,
    );
  }
  if (timestampMs < now - maxAgeMs) {
    throw fail(
      'ERR_ATTESTATION',
      `android-safetynet: timestampMs ${timestampMs} is more than ${maxAgeMs} ms before now (${now})`,
    );
  }
  return { attestationType: 'basic', trustPath: jws.x5c };
}

/**
 * Builds an `android-safetynet` verifier with its own freshness window.
 *
 * @param options - The accepted age and clock skew of the SafetyNet response.
 * @returns A verifier for the `android-safetynet` format.
 * @throws {@link WebAuthnError} `ERR_BAD_OPTIONS` for a negative or non-finite window.
 * @example
 * ```ts
 * const verify = createAndroidSafetyNetVerifier({ maxAgeMs: 5 * 60_000 });
 * ```
 */
export function createAndroidSafetyNetVerifier(
  options: AndroidSafetyNetVerifierOptions = {},
): AttestationFormatVerifier {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const maxClockSkewMs = options.maxClockSkewMs ?? 60_000;
  for (const [name, value] of [
    ['maxAgeMs', maxAgeMs],
    ['maxClockSkewMs', maxClockSkewMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0)
      throw fail('ERR_BAD_OPTIONS', `android-safetynet: ${name} must be a non-negative number`);
  }
  return (input) => verify(input, maxAgeMs, maxClockSkewMs);
}

/**
 * Verifies an `android-safetynet` attestation statement (WebAuthn L3 §8.5.2).
 *
 * Checks: `ver` is a non-empty string; `response` is a compact JWS whose `nonce` is
 * `base64(SHA-256(authData || clientDataHash))`; its leaf certificate (first of the JWS `x5c`) is
 * issued to `attest.android.com` and signed the JWS; `ctsProfileMatch` is `true`; `timestampMs` is
 * at most 60 s before or after `input.now` (SimpleWebAuthn and py_webauthn use similar windows:
 * 60 s and ±10 s). Chain validation to Google's roots happens afterwards in the trust step.
 *
 * @param input - The statement and the registration data it binds.
 * @returns `attestationType: 'basic'` and the JWS `x5c` chain (leaf first).
 * @throws {@link WebAuthnError} `ERR_MALFORMED` for a JWS or certificate that does not parse;
 * `ERR_ATTESTATION` for missing or mistyped statement members, a JWS `alg` this package cannot
 * verify, and any failed check (nonce, host name, signature, `ctsProfileMatch`, timestamp).
 * @example
 * ```ts
 * const { attestationType, trustPath } = await verifyAndroidSafetyNet(input); // 'basic'
 * ```
 */
export const verifyAndroidSafetyNet: AttestationFormatVerifier = createAndroidSafetyNetVerifier();
