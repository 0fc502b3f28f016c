/**
 * Out-of-band codes for SMS and voice calls: a random numeric code with an expiry, stored only as a
 * salted HMAC, accepted once, with a bounded number of attempts. Pure functions: the caller stores
 * the record (and must replace it atomically with the one each call returns).
 */
import { base64urlToBytes, bytesToBase64url, concatBytes, randomBytes, timingSafeEqual } from '@keyward/internal';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { TotpError } from './errors.ts';

const SALT_BYTES = 16;
const MIN_KEY_BYTES = 16;
const MAX_TTL_MS = 86_400_000;
const MAX_ATTEMPTS = 100;

/**
 * What to store for an issued out-of-band code. Plain JSON: strings, numbers and booleans. It holds
 * no code, only `HMAC-SHA-256(K, salt ‖ code)` where K is the server key given to
 * {@link issueOutOfBandCode}, or the salt when none was.
 */
export interface OutOfBandRecord {
  /** Format version: `1`. */
  v: 1;
  /** 16 random bytes, base64url. */
  salt: string;
  /** HMAC-SHA-256 of the salt and the code, base64url. */
  hash: string;
  /** Length of the code. */
  digits: number;
  /** When the code stops being accepted, in milliseconds since the epoch. */
  expiresAt: number;
  /** How many more attempts may be made. */
  attemptsLeft: number;
  /** Whether the code was accepted already (a code is accepted once). */
  used: boolean;
  /** Whether a server key was mixed into `hash` (verification then needs the same key). */
  keyed: boolean;
}

/** Options for {@link issueOutOfBandCode}. */
export interface IssueOutOfBandCodeOptions {
  /**
   * Code length, 6 to 10.
   *
   * @defaultValue `6`
   */
  digits?: number;
  /**
   * How long the code stays valid, in milliseconds (1 to 86 400 000). NIST SP 800-63B §5.1.3.2
   * caps out-of-band secrets at 10 minutes.
   *
   * @defaultValue `600000` (10 minutes)
   */
  ttlMs?: number;
  /**
   * The issue time, in milliseconds since the epoch.
   *
   * @defaultValue `Date.now()`
   */
  now?: number;
  /**
   * Attempts allowed before the record refuses every code, 1 to 100.
   *
   * @defaultValue `5`
   */
  maxAttempts?: number;
  /**
   * A server-side secret (at least 16 bytes) mixed into the hash, so that a leaked record cannot be
   * brute-forced offline (a 6-digit code has only 10^6 values). Pass the same key to
   * {@link verifyOutOfBandCode}. Without it the salt is the HMAC key.
   */
  key?: Uint8Array;
  /**
   * The random source for the code's digits, returning `length` uniformly random bytes (the salt
   * always comes from `crypto.getRandomValues`). For tests; leave it out in production.
   *
   * @defaultValue `crypto.getRandomValues`
   */
  random?: (length: number) => Uint8Array;
}

/** An issued code and the record to store in its place. */
export interface IssuedOutOfBandCode {
  /** The code to send by SMS or voice. Never store it. */
  code: string;
  /** What to store. */
  record: OutOfBandRecord;
}

/** Options for {@link verifyOutOfBandCode}. */
export interface VerifyOutOfBandCodeOptions {
  /** The server key given to {@link issueOutOfBandCode}, if one was. */
  key?: Uint8Array;
}

/** Why {@link verifyOutOfBandCode} refused a code. */
export type OutOfBandFailure = 'mismatch' | 'expired' | 'used' | 'attempts-exhausted';

/** The outcome of {@link verifyOutOfBandCode}: always with the record to store in place of the old one. */
export type VerifyOutOfBandCodeResult =
  | {
      /** The code matched: it is now used. */
      ok: true;
      /** The record to store (marked used). */
      record: OutOfBandRecord;
    }
  | {
      /** The code was refused. */
      ok: false;
      /** Why. */
      reason: OutOfBandFailure;
      /** The record to store (with this attempt counted, when it was one). */
      record: OutOfBandRecord;
    };

function checkInteger(value: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      `${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

function checkKey(key: Uint8Array | undefined): Uint8Array | undefined {
  if (key !== undefined && (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES)) {
    throw new TotpError('ERR_INVALID_OPTIONS', `key must be a Uint8Array of at least ${MIN_KEY_BYTES} bytes`);
  }
  return key;
}

function codeHash(key: Uint8Array | undefined, salt: Uint8Array, code: string): Uint8Array {
  const digits = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) digits[i] = code.charCodeAt(i);
  return hmac(sha256, key ?? salt, concatBytes(salt, digits));
}

/** `digits` uniform decimal digits, by rejection sampling (bytes ≥ 250 are drawn again: no modulo bias). */
function randomDigits(digits: number, random: (length: number) => Uint8Array): string {
  let code = '';
  for (let guard = 0; code.length < digits; guard++) {
    if (guard > 64) throw new TotpError('ERR_INVALID_OPTIONS', 'random returned too few usable bytes');
    const bytes = random(digits * 2);
    if (!(bytes instanceof Uint8Array)) throw new TotpError('ERR_INVALID_OPTIONS', 'random must return a Uint8Array');
    for (let i = 0; i < bytes.length && code.length < digits; i++) {
      const byte = bytes[i] as number;
      if (byte < 250) code += String(byte % 10);
    }
  }
  return code;
}

/**
 * Issues a random numeric code to send by SMS or voice, and the record to store instead of it.
 *
 * @param options - Length, lifetime, attempts, time, and an optional server key.
 * @returns The code to send and the record to store.
 * @throws {@link TotpError} `ERR_INVALID_OPTIONS` when digits, ttlMs, now, maxAttempts, key or
 *   random is out of range.
 * @remarks SMS and voice are weak channels (SIM swap, interception; NIST SP 800-63B §5.1.3.3 calls
 *   the PSTN "restricted"): prefer passkeys or TOTP, and keep these codes short-lived.
 * @example
 * ```ts
 * const { code, record } = issueOutOfBandCode({ digits: 6, ttlMs: 5 * 60_000 });
 * await sendSms(phone, `Your code is ${code}`);
 * await db.saveCode(userId, record);
 * ```
 */
export function issueOutOfBandCode(options: IssueOutOfBandCodeOptions = {}): IssuedOutOfBandCode {
  const digits = checkInteger(options.digits ?? 6, 'digits', 6, 10);
  const ttlMs = checkInteger(options.ttlMs ?? 600_000, 'ttlMs', 1, MAX_TTL_MS);
  const now = checkInteger(Math.floor(options.now ?? Date.now()), 'now', 0, Number.MAX_SAFE_INTEGER - MAX_TTL_MS);
  const maxAttempts = checkInteger(options.maxAttempts ?? 5, 'maxAttempts', 1, MAX_ATTEMPTS);
  const key = checkKey(options.key);
  const random = options.random ?? randomBytes;
  if (typeof random !== 'function') throw new TotpError('ERR_INVALID_OPTIONS', 'random must be a function');
  const code = randomDigits(digits, random);
  const salt = randomBytes(SALT_BYTES);
  return {
    code,
    record: {
      v: 1,
      salt: bytesToBase64url(salt),
      hash: bytesToBase64url(codeHash(key, salt, code)),
      digits,
      expiresAt: now + ttlMs,
      attemptsLeft: maxAttempts,
      used: false,
      keyed: key !== undefined,
    },
  };
}

function bad(message: string): TotpError {
  return new TotpError('ERR_INVALID_RECORD', `out-of-band record: ${message}`);
}

/** Checks a stored record field by field; returns its salt and hash bytes. */
function readRecord(record: OutOfBandRecord): { salt: Uint8Array; hash: Uint8Array } {
  if (typeof record !== 'object' || record === null) throw bad('not an object');
  if (record.v !== 1) throw bad('unknown version');
  const salt = typeof record.salt === 'string' ? base64urlToBytes(record.salt) : undefined;
  if (salt?.length !== SALT_BYTES) throw bad('salt is not 16 bytes of base64url');
  const hash = typeof record.hash === 'string' ? base64urlToBytes(record.hash) : undefined;
  if (hash?.length !== 32) throw bad('hash is not 32 bytes of base64url');
  if (!Number.isInteger(record.digits) || record.digits < 6 || record.digits > 10) throw bad('digits out of range');
  if (!Number.isSafeInteger(record.expiresAt)) throw bad('expiresAt is not a safe integer');
  if (!Number.isInteger(record.attemptsLeft) || record.attemptsLeft < 0 || record.attemptsLeft > MAX_ATTEMPTS) {
    throw bad('attemptsLeft out of range');
  }
  if (typeof record.used !== 'boolean' || typeof record.keyed !== 'boolean')
    throw bad('used and keyed must be booleans');
  return { salt, hash };
}

/**
 * Checks a code typed by a person against a stored record. Every attempt on a live record counts,
 * a matching code is accepted once, and an expired or exhausted record refuses everything.
 *
 * @param record - The stored record.
 * @param code - What the person typed (ASCII spaces ignored).
 * @param now - The time, in milliseconds since the epoch (defaults to `Date.now()`).
 * @param options - The server key, when the record was issued with one.
 * @returns `ok` with the record to store in place of the old one (attempt counted, or marked used),
 *   or `ok: false` with a reason and that record.
 * @throws {@link TotpError} `ERR_INVALID_RECORD` for a record this package did not issue;
 *   `ERR_INVALID_OPTIONS` when `code` is not a string, `now` is not a number, or the key is missing,
 *   unexpected or too short.
 * @remarks Replace the stored record atomically (compare-and-set on the old one): two concurrent
 *   checks against the same stored record could otherwise both count as the first attempt.
 * @example
 * ```ts
 * const result = verifyOutOfBandCode(record, typed, Date.now());
 * await db.saveCode(userId, result.record);
 * if (result.ok) signIn(userId);
 * ```
 */
export function verifyOutOfBandCode(
  record: OutOfBandRecord,
  code: string,
  now: number = Date.now(),
  options: VerifyOutOfBandCodeOptions = {},
): VerifyOutOfBandCodeResult {
  const { salt, hash } = readRecord(record);
  if (typeof code !== 'string') throw new TotpError('ERR_INVALID_OPTIONS', 'code must be a string');
  if (typeof now !== 'number' || !Number.isFinite(now))
    throw new TotpError('ERR_INVALID_OPTIONS', 'now must be a finite number');
  const key = checkKey(options.key);
  if (record.keyed !== (key !== undefined)) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      record.keyed ? 'this record needs the server key' : 'this record was issued without a key',
    );
  }
  if (record.used) return { ok: false, reason: 'used', record: { ...record } };
  if (now >= record.expiresAt) return { ok: false, reason: 'expired', record: { ...record } };
  if (record.attemptsLeft <= 0) return { ok: false, reason: 'attempts-exhausted', record: { ...record } };
  const counted: OutOfBandRecord = { ...record, attemptsLeft: record.attemptsLeft - 1 };
  const typed = code.replaceAll(' ', '');
  if (typed.length !== record.digits || !/^[0-9]+$/.test(typed))
    return { ok: false, reason: 'mismatch', record: counted };
  if (!timingSafeEqual(codeHash(key, salt, typed), hash)) return { ok: false, reason: 'mismatch', record: counted };
  return { ok: true, record: { ...counted, used: true } };
}
