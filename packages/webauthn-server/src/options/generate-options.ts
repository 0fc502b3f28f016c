/** Ceremony options (WebAuthn L3 §5.4, §5.5) in their JSON forms. */
import { base64urlToBytes, bytesToBase64url, randomBytes } from '@keyward/internal';
import { DEFAULT_SUPPORTED_ALGORITHMS } from '../cose/constants.ts';
import { WebAuthnError } from '../errors.ts';
import type {
  AttestationConveyancePreference,
  AuthenticatorSelectionCriteria,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialHint,
  PublicKeyCredentialRequestOptionsJSON,
  UserVerificationRequirement,
} from '../types.ts';

/** A credential to exclude or allow: its ID (base64url) and optional transports. */
export interface CredentialDescriptorInput {
  /** The credential ID (base64url). */
  readonly id: string;
  /** Transports recorded at registration. */
  readonly transports?: readonly AuthenticatorTransport[];
}

/** Options of {@link generateRegistrationOptions}. */
export interface GenerateRegistrationOptionsOptions {
  /** Human-palatable RP name. */
  readonly rpName: string;
  /** The RP ID (a registrable domain suffix of the origin). */
  readonly rpID: string;
  /** The account name (e.g. an email address); never used as the user handle. */
  readonly userName: string;
  /**
   * The account's display name.
   * @defaultValue `''`
   */
  readonly userDisplayName?: string;
  /**
   * The user handle (1-64 bytes); never personal data. Reuse the one stored for an existing user.
   * @defaultValue 32 random bytes
   */
  readonly userID?: Uint8Array;
  /**
   * The challenge bytes (at least 16).
   * @defaultValue 32 bytes from the platform CSPRNG
   */
  readonly challenge?: Uint8Array;
  /**
   * Timeout in milliseconds.
   * @defaultValue `300000`
   */
  readonly timeout?: number;
  /**
   * Attestation conveyance.
   * @defaultValue `'none'`
   */
  readonly attestationType?: AttestationConveyancePreference;
  /**
   * Credentials the user already has.
   * @defaultValue `[]`
   */
  readonly excludeCredentials?: readonly CredentialDescriptorInput[];
  /**
   * Authenticator requirements.
   * @defaultValue `{ residentKey: 'preferred', userVerification: 'preferred' }`
   */
  readonly authenticatorSelection?: AuthenticatorSelectionCriteria;
  /**
   * COSE algorithms offered, in order of preference.
   * @defaultValue `[-8, -7, -35, -36, -257, -258, -259, -37]`
   */
  readonly supportedAlgorithms?: readonly number[];
  /** Hints for the client UI. */
  readonly hints?: readonly PublicKeyCredentialHint[];
  /**
   * Client extension inputs; `credProps: true` is always added.
   * @defaultValue `{ credProps: true }`
   */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Options of {@link generateAuthenticationOptions}. */
export interface GenerateAuthenticationOptionsOptions {
  /** The RP ID. */
  readonly rpID: string;
  /**
   * Credentials that may answer; leave empty for discoverable credentials (passkeys).
   * @defaultValue `[]`
   */
  readonly allowCredentials?: readonly CredentialDescriptorInput[];
  /**
   * The challenge bytes (at least 16).
   * @defaultValue 32 bytes from the platform CSPRNG
   */
  readonly challenge?: Uint8Array;
  /**
   * Timeout in milliseconds.
   * @defaultValue `300000`
   */
  readonly timeout?: number;
  /**
   * User verification requirement.
   * @defaultValue `'preferred'`
   */
  readonly userVerification?: UserVerificationRequirement;
  /** Hints for the client UI. */
  readonly hints?: readonly PublicKeyCredentialHint[];
  /** The AppID for credentials registered through the legacy U2F API (the `appid` extension). */
  readonly appid?: string;
  /** Further client extension inputs. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

const TRANSPORTS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);
const HINTS: ReadonlySet<string> = /* @__PURE__ */ new Set(['security-key', 'client-device', 'hybrid']);
const UV: ReadonlySet<string> = /* @__PURE__ */ new Set(['discouraged', 'preferred', 'required']);
const CONVEYANCE: ReadonlySet<string> = /* @__PURE__ */ new Set(['none', 'indirect', 'direct', 'enterprise']);

function bad(message: string): WebAuthnError {
  return new WebAuthnError('ERR_BAD_OPTIONS', message);
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(`${name} must be a non-empty string`);
  return value;
}

function challengeOf(value: Uint8Array | undefined): string {
  if (value === undefined) return bytesToBase64url(randomBytes(32));
  if (!(value instanceof Uint8Array) || value.length < 16 || value.length > 1024)
    throw bad('challenge must be 16 to 1024 bytes');
  return bytesToBase64url(value);
}

function timeoutOf(value: number | undefined): number {
  const t = value ?? 300_000;
  if (!Number.isInteger(t) || t <= 0 || t > 86_400_000)
    throw bad('timeout must be a positive integer of milliseconds (at most a day)');
  return t;
}

function descriptors(
  list: readonly CredentialDescriptorInput[] | undefined,
  name: string,
): PublicKeyCredentialDescriptorJSON[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw bad(`${name} must be an array`);
  return list.map((c, i) => {
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof c.id !== 'string' ||
      base64urlToBytes(c.id) === undefined ||
      c.id.length === 0
    )
      throw bad(`${name}[${i}].id must be a base64url credential ID`);
    const out: PublicKeyCredentialDescriptorJSON = { id: c.id, type: 'public-key' };
    if (c.transports !== undefined) {
      if (!Array.isArray(c.transports) || c.transports.some((t: string) => !TRANSPORTS.has(t)))
        throw bad(`${name}[${i}].transports holds an unknown transport`);
      out.transports = [...c.transports];
    }
    return out;
  });
}

function hintsOf(hints: readonly PublicKeyCredentialHint[] | undefined): PublicKeyCredentialHint[] | undefined {
  if (hints === undefined) return undefined;
  if (!Array.isArray(hints) || hints.some((h) => !HINTS.has(h)))
    throw bad('hints must be "security-key", "client-device" or "hybrid"');
  return [...hints];
}

function extensionsOf(value: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('extensions must be an object');
  return { ...value };
}

/**
 * Builds `PublicKeyCredentialCreationOptionsJSON` for `navigator.credentials.create()`.
 *
 * @param options - Relying party, user and policy.
 * @returns The options to send to the browser; keep `challenge` (and `user.id`) in the session.
 * @throws {@link WebAuthnError} `ERR_BAD_OPTIONS` for invalid input.
 * @example
 * ```ts
 * const options = await generateRegistrationOptions({ rpName: 'Example', rpID: 'example.com', userName: 'alice@example.com' });
 * session.challenge = options.challenge;
 * ```
 */
export async function generateRegistrationOptions(
  options: GenerateRegistrationOptionsOptions,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  if (typeof options !== 'object' || options === null) throw bad('options must be an object');
  const rpName = nonEmptyString(options.rpName, 'rpName');
  const rpID = nonEmptyString(options.rpID, 'rpID');
  const userName = nonEmptyString(options.userName, 'userName');
  const displayName = options.userDisplayName ?? '';
  if (typeof displayName !== 'string') throw bad('userDisplayName must be a string');
  let userId = options.userID;
  if (userId === undefined) userId = randomBytes(32);
  else if (!(userId instanceof Uint8Array) || userId.length < 1 || userId.length > 64)
    throw bad('userID must be 1 to 64 bytes');
  const algs = options.supportedAlgorithms ?? DEFAULT_SUPPORTED_ALGORITHMS;
  if (!Array.isArray(algs) || algs.length === 0 || algs.some((a) => !Number.isInteger(a)))
    throw bad('supportedAlgorithms must be a non-empty array of integers');
  const attestation = options.attestationType ?? 'none';
  if (!CONVEYANCE.has(attestation)) throw bad('attestationType must be "none", "indirect", "direct" or "enterprise"');
  const selection: AuthenticatorSelectionCriteria = {
    residentKey: 'preferred',
    userVerification: 'preferred',
    ...(options.authenticatorSelection ?? {}),
  };
  if (selection.residentKey !== undefined && !UV.has(selection.residentKey))
    throw bad('authenticatorSelection.residentKey is invalid');
  if (selection.userVerification !== undefined && !UV.has(selection.userVerification))
    throw bad('authenticatorSelection.userVerification is invalid');
  if (
    selection.authenticatorAttachment !== undefined &&
    selection.authenticatorAttachment !== 'platform' &&
    selection.authenticatorAttachment !== 'cross-platform'
  )
    throw bad('authenticatorSelection.authenticatorAttachment must be "platform" or "cross-platform"');
  // §5.4.4: requireResidentKey is true exactly when residentKey is "required".
  selection.requireResidentKey = selection.residentKey === 'required';
  const out: PublicKeyCredentialCreationOptionsJSON = {
    rp: { name: rpName, id: rpID },
    user: { id: bytesToBase64url(userId), name: userName, displayName },
    challenge: challengeOf(options.challenge),
    pubKeyCredParams: algs.map((alg) => ({ type: 'public-key' as const, alg })),
    timeout: timeoutOf(options.timeout),
    excludeCredentials: descriptors(options.excludeCredentials, 'excludeCredentials'),
    authenticatorSelection: selection,
    attestation,
    extensions: { ...extensionsOf(options.extensions), credProps: true },
  };
  const hints = hintsOf(options.hints);
  if (hints) out.hints = hints;
  return out;
}

/**
 * Builds `PublicKeyCredentialRequestOptionsJSON` for `navigator.credentials.get()`.
 *
 * @param options - RP ID, allowed credentials and policy.
 * @returns The options to send to the browser; keep `challenge` in the session.
 * @throws {@link WebAuthnError} `ERR_BAD_OPTIONS` for invalid input.
 * @example
 * ```ts
 * const options = await generateAuthenticationOptions({ rpID: 'example.com' });
 * session.challenge = options.challenge;
 * ```
 */
export async function generateAuthenticationOptions(
  options: GenerateAuthenticationOptionsOptions,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  if (typeof options !== 'object' || options === null) throw bad('options must be an object');
  const rpId = nonEmptyString(options.rpID, 'rpID');
  const userVerification = options.userVerification ?? 'preferred';
  if (!UV.has(userVerification)) throw bad('userVerification must be "discouraged", "preferred" or "required"');
  const extensions = extensionsOf(options.extensions);
  if (options.appid !== undefined) extensions.appid = nonEmptyString(options.appid, 'appid');
  const out: PublicKeyCredentialRequestOptionsJSON = {
    challenge: challengeOf(options.challenge),
    timeout: timeoutOf(options.timeout),
    rpId,
    allowCredentials: descriptors(options.allowCredentials, 'allowCredentials'),
    userVerification,
  };
  const hints = hintsOf(options.hints);
  if (hints) out.hints = hints;
  if (Object.keys(extensions).length > 0) out.extensions = extensions;
  return out;
}
