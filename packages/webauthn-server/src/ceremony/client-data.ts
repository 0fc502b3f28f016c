/** clientDataJSON (WebAuthn L3 §5.8.1) parsing and the checks shared by both ceremonies. */
import { base64urlToBytes, bytesToUtf8, equalBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { WebAuthnError } from '../errors.ts';
import { fail, malformed } from '../internal/errors.ts';
import { LruCache } from '../internal/lru.ts';
import type { ParsedAuthenticatorData } from './authenticator-data.ts';

/** The members of CollectedClientData this package reads. */
export interface ClientData {
  /** `webauthn.create` or `webauthn.get`. */
  readonly type: string;
  /** The challenge, base64url as the client wrote it. */
  readonly challenge: string;
  /** The caller's origin. */
  readonly origin: string;
  /** Whether the call came from a cross-origin iframe. */
  readonly crossOrigin: boolean | undefined;
  /** The top-level origin, for cross-origin calls. */
  readonly topOrigin: string | undefined;
}

/** What the caller expects of a challenge: the base64url string, or a predicate. */
export type ExpectedChallenge = string | ((challenge: string) => boolean | Promise<boolean>);

/** Parses clientDataJSON bytes. @throws `ERR_MALFORMED` for invalid UTF-8, JSON or member types. */
export function parseClientData(bytes: Uint8Array): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(bytes));
  } catch (cause) {
    throw malformed('clientDataJSON is not valid UTF-8 JSON', cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw malformed('clientDataJSON must be a JSON object');
  const o = parsed as Record<string, unknown>;
  for (const member of ['type', 'challenge', 'origin'] as const)
    if (typeof o[member] !== 'string') throw malformed(`clientDataJSON.${member} must be a string`);
  if (o.crossOrigin !== undefined && typeof o.crossOrigin !== 'boolean')
    throw malformed('clientDataJSON.crossOrigin must be a boolean');
  if (o.topOrigin !== undefined && typeof o.topOrigin !== 'string')
    throw malformed('clientDataJSON.topOrigin must be a string');
  return {
    type: o.type as string,
    challenge: o.challenge as string,
    origin: o.origin as string,
    crossOrigin: o.crossOrigin as boolean | undefined,
    topOrigin: o.topOrigin as string | undefined,
  };
}

/** Normalises `string | string[]` options to a non-empty list of strings, or `ERR_BAD_OPTIONS`. */
export function stringList(value: unknown, name: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v.length === 0))
    throw new WebAuthnError('ERR_BAD_OPTIONS', `${name} must be a non-empty string or a non-empty array of strings`);
  return list as string[];
}

/** Checks an `expectedChallenge` option's type. */
export function checkExpectedChallengeOption(expected: unknown): void {
  if (typeof expected === 'function') return;
  if (typeof expected !== 'string' || expected.length === 0)
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'expectedChallenge must be a non-empty base64url string or a function');
}

/**
 * Verifies the challenge (WebAuthn L3 §7.1 step 8, §7.2 step 12). Synchronous for a string; a
 * promise only when the caller's predicate is a function.
 */
export function checkChallenge(expected: ExpectedChallenge, received: string): void | Promise<void> {
  if (typeof expected === 'function') return checkChallengeWith(expected, received);
  if (expected === received) return;
  // Same bytes written differently (padding, standard alphabet) still match.
  const a = base64urlToBytes(expected);
  const b = base64urlToBytes(received);
  if (a && b && equalBytes(a, b)) return;
  throw fail('ERR_CHALLENGE_MISMATCH', `challenge mismatch: expected "${expected}", received "${received}"`);
}

async function checkChallengeWith(
  predicate: (challenge: string) => boolean | Promise<boolean>,
  received: string,
): Promise<void> {
  let ok: boolean;
  try {
    ok = (await predicate(received)) === true;
  } catch (cause) {
    throw fail('ERR_CHALLENGE_MISMATCH', 'the expectedChallenge function threw', cause);
  }
  if (!ok) throw fail('ERR_CHALLENGE_MISMATCH', 'the expectedChallenge function rejected the challenge');
}

/** Options shared by both ceremonies for origin checks. */
export interface OriginPolicy {
  readonly origins: readonly string[];
  readonly allowCrossOrigin: boolean;
  readonly topOrigins: readonly string[] | undefined;
}

/** Verifies origin, crossOrigin and topOrigin (§7.1 steps 9-10, §7.2 steps 13-14). */
export function checkOrigin(client: ClientData, policy: OriginPolicy): string {
  if (!policy.origins.includes(client.origin))
    throw fail(
      'ERR_ORIGIN_MISMATCH',
      `origin mismatch: expected ${policy.origins.map((o) => `"${o}"`).join(' or ')}, received "${client.origin}"`,
    );
  if (client.crossOrigin === true || client.topOrigin !== undefined) {
    if (!policy.allowCrossOrigin)
      throw fail('ERR_CROSS_ORIGIN', 'the ceremony ran in a cross-origin iframe, which is not allowed');
    if (policy.topOrigins && (client.topOrigin === undefined || !policy.topOrigins.includes(client.topOrigin)))
      throw fail('ERR_CROSS_ORIGIN', `topOrigin "${client.topOrigin ?? ''}" is not an expected top-level origin`);
  }
  return client.origin;
}

const rpIdHashes = /* @__PURE__ */ new LruCache<string, Uint8Array>(256);

/** The last RP ID hashed, in front of the LRU (a relying party nearly always has one RP ID). */
let lastRpId: string | undefined;
let lastRpIdHash: Uint8Array | undefined;

/** SHA-256 of an RP ID (or appid), memoised. */
export function rpIdHashOf(rpId: string): Uint8Array {
  if (rpId === lastRpId) return lastRpIdHash as Uint8Array;
  let hash = rpIdHashes.get(rpId);
  if (!hash) {
    hash = sha256(new TextEncoder().encode(rpId));
    rpIdHashes.set(rpId, hash);
  }
  lastRpId = rpId;
  lastRpIdHash = hash;
  return hash;
}

/** Returns which expected RP ID the authenticator data's rpIdHash is for, or `undefined`. */
export function matchRpId(rpIdHash: Uint8Array, rpIds: readonly string[]): string | undefined {
  for (const rpId of rpIds) if (equalBytes(rpIdHashOf(rpId), rpIdHash)) return rpId;
  return undefined;
}

/** Flag checks shared by both ceremonies (§7.1 steps 14-17, §7.2 steps 16-19). */
export function checkFlags(
  authData: ParsedAuthenticatorData,
  requireUserPresence: boolean,
  requireUserVerification: boolean,
): void {
  if (requireUserPresence && !authData.up) throw fail('ERR_USER_NOT_PRESENT', 'the UP flag is not set');
  if (requireUserVerification && !authData.uv)
    throw fail('ERR_USER_NOT_VERIFIED', 'user verification was required but the UV flag is not set');
  if (authData.bs && !authData.be) throw fail('ERR_BACKUP_FLAGS', 'the BS flag is set without the BE flag');
}

/** Reads an optional boolean option. */
export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new WebAuthnError('ERR_BAD_OPTIONS', `${name} must be a boolean`);
  return value;
}
