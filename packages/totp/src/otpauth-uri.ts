/**
 * `otpauth://` enrolment URIs in the Key Uri Format that authenticator apps read from QR codes:
 * `otpauth://TYPE/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…&counter=…`.
 */
import { base32Encode } from './base32.ts';
import { TotpError } from './errors.ts';
import { checkDigits, checkPeriod, hashName, secretBytes, type TotpAlgorithm } from './internal/options.ts';

/** Longest URI {@link parseOtpauthUri} reads. */
const MAX_URI_LENGTH = 4096;

/** Options for {@link buildOtpauthUri}. */
export interface BuildOtpauthUriOptions {
  /** The shared secret: bytes, or base32 text (written back normalised: upper case, no padding). */
  secret: Uint8Array | string;
  /** Who issues the code (shown by the app above the code), e.g. `'ACME Co'`. No colon. `''` leaves it out. */
  issuer: string;
  /** The person's account at the issuer, e.g. `'alice@example.com'`. Not empty, no colon, no leading space. */
  accountName: string;
  /**
   * `'totp'` (time-based) or `'hotp'` (counter-based).
   *
   * @defaultValue `'totp'`
   */
  type?: 'totp' | 'hotp';
  /**
   * HMAC algorithm.
   *
   * @defaultValue `'SHA-1'`
   */
  algorithm?: TotpAlgorithm;
  /**
   * Code length, 6 to 10.
   *
   * @defaultValue `6`
   */
  digits?: number;
  /**
   * Time step in seconds (TOTP only).
   *
   * @defaultValue `30`
   */
  period?: number;
  /**
   * The initial counter (HOTP only).
   *
   * @defaultValue `0`
   */
  counter?: number;
}

/** What {@link parseOtpauthUri} reads from a URI. */
export interface OtpauthUri {
  /** `'totp'` or `'hotp'`. */
  type: 'totp' | 'hotp';
  /** The decoded secret. */
  secret: Uint8Array;
  /** The `issuer` parameter, else the label's prefix, else `''`. */
  issuer: string;
  /** The account part of the label (leading spaces removed). */
  accountName: string;
  /** HMAC algorithm (`'SHA-1'` when absent). */
  algorithm: TotpAlgorithm;
  /** Code length (6 when absent). */
  digits: number;
  /** Time step in seconds (30 when absent). */
  period: number;
  /** The counter, for `hotp` URIs only. */
  counter?: number;
}

const URI_ALGORITHMS: Record<TotpAlgorithm, string> = { 'SHA-1': 'SHA1', 'SHA-256': 'SHA256', 'SHA-512': 'SHA512' };

function encodePart(value: string, name: string): string {
  try {
    return encodeURIComponent(value);
  } catch (error) {
    throw new TotpError('ERR_INVALID_OPTIONS', `${name} is not well-formed Unicode`, { cause: error });
  }
}

/**
 * Builds an `otpauth://` URI for an authenticator app, to show as a QR code. The issuer goes both
 * in the label and in the `issuer` parameter (as the Key Uri Format recommends), every value is
 * percent-encoded (spaces as `%20`), and algorithm, digits and period are always written.
 *
 * @param options - The secret, the issuer and account names, and the code parameters.
 * @returns The URI.
 * @throws {@link TotpError} `ERR_INVALID_OPTIONS` when the issuer or account name is not a string,
 *   holds a colon or lone surrogate, the account name is empty or starts with a space, or digits,
 *   period, counter or type are out of range; `ERR_INVALID_SECRET` for a bad secret;
 *   `ERR_UNSUPPORTED_ALGORITHM` for another algorithm.
 * @example
 * ```ts
 * buildOtpauthUri({ secret, issuer: 'ACME Co', accountName: 'john.doe@email.com' });
 * // 'otpauth://totp/ACME%20Co:john.doe%40email.com?secret=…&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30'
 * ```
 */
export function buildOtpauthUri(options: BuildOtpauthUriOptions): string {
  const { issuer, accountName } = options;
  const type = options.type ?? 'totp';
  if (type !== 'totp' && type !== 'hotp') {
    throw new TotpError('ERR_INVALID_OPTIONS', `type must be 'totp' or 'hotp', got ${JSON.stringify(String(type))}`);
  }
  if (typeof issuer !== 'string' || issuer.includes(':')) {
    throw new TotpError('ERR_INVALID_OPTIONS', 'issuer must be a string without a colon');
  }
  if (typeof accountName !== 'string' || accountName === '' || accountName.includes(':') || accountName[0] === ' ') {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      'accountName must be a non-empty string without a colon or leading space',
    );
  }
  hashName(options.algorithm);
  const algorithm = URI_ALGORITHMS[options.algorithm ?? 'SHA-1'];
  const digits = checkDigits(options.digits);
  const secret = base32Encode(secretBytes(options.secret));
  const encodedIssuer = encodePart(issuer, 'issuer');
  const label = (issuer === '' ? '' : `${encodedIssuer}:`) + encodePart(accountName, 'accountName');
  let uri = `otpauth://${type}/${label}?secret=${secret}`;
  if (issuer !== '') uri += `&issuer=${encodedIssuer}`;
  uri += `&algorithm=${algorithm}&digits=${digits}`;
  if (type === 'totp') {
    if (options.counter !== undefined) throw new TotpError('ERR_INVALID_OPTIONS', 'counter is for hotp URIs only');
    uri += `&period=${checkPeriod(options.period)}`;
  } else {
    if (options.period !== undefined) throw new TotpError('ERR_INVALID_OPTIONS', 'period is for totp URIs only');
    const counter = options.counter ?? 0;
    if (!Number.isSafeInteger(counter) || counter < 0) {
      throw new TotpError(
        'ERR_INVALID_OPTIONS',
        `counter must be an integer from 0 to 2^53 - 1, got ${String(counter)}`,
      );
    }
    uri += `&counter=${counter}`;
  }
  return uri;
}

function invalid(message: string, cause?: unknown): TotpError {
  return new TotpError('ERR_INVALID_URI', message, cause === undefined ? undefined : { cause });
}

function decodePart(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw invalid(`${name} has a malformed percent-encoding`, error);
  }
}

function parseInteger(value: string, name: string, min: number, max: number): number {
  const number = /^[0-9]{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) throw invalid(`${name} must be an integer from ${min} to ${max}`);
  return number;
}

function parseAlgorithm(value: string): TotpAlgorithm {
  switch (value.toUpperCase()) {
    case 'SHA1':
    case 'SHA-1':
      return 'SHA-1';
    case 'SHA256':
    case 'SHA-256':
      return 'SHA-256';
    case 'SHA512':
    case 'SHA-512':
      return 'SHA-512';
    default:
      throw new TotpError(
        'ERR_UNSUPPORTED_ALGORITHM',
        `unsupported algorithm ${JSON.stringify(value.slice(0, 32))} (expected SHA1, SHA256 or SHA512)`,
      );
  }
}

/** Splits `ISSUER:ACCOUNT` on a literal colon, else on the first `%3A` (the Key Uri Format allows both). */
function splitLabel(raw: string): [issuer: string | undefined, account: string] {
  let at = raw.indexOf(':');
  let width = 1;
  if (at < 0) {
    at = raw.search(/%3a/i);
    width = 3;
  }
  if (at < 0) return [undefined, decodePart(raw, 'label')];
  return [decodePart(raw.slice(0, at), 'label issuer'), decodePart(raw.slice(at + width), 'label account')];
}

/**
 * Reads an `otpauth://` URI (Key Uri Format). Tolerant where apps differ: scheme, type and parameter
 * names in any case; `:` or `%3A` between issuer and account; spaces before the account removed;
 * the `issuer` parameter wins over the label prefix when both are present and differ; unknown
 * parameters (`image`, …) ignored. `+` is a literal plus (RFC 3986), not a space.
 *
 * @param uri - The URI, e.g. from a scanned QR code.
 * @returns The type, secret, issuer, account name and code parameters.
 * @throws {@link TotpError} `ERR_INVALID_URI` when the text is not a string, longer than 4096
 *   characters, not `otpauth://totp/…` or `otpauth://hotp/…`, has malformed percent-encoding or a
 *   repeated parameter, lacks a valid `secret` (base32, 10 to 1024 bytes), has digits outside 6–10,
 *   a period outside 1–1e9, or is `hotp` without a valid `counter`; `ERR_UNSUPPORTED_ALGORITHM`
 *   for another algorithm.
 * @example
 * ```ts
 * const parsed = parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example');
 * parsed.issuer; // 'Example'
 * parsed.accountName; // 'alice@google.com'
 * ```
 */
export function parseOtpauthUri(uri: string): OtpauthUri {
  if (typeof uri !== 'string') throw invalid('otpauth URI must be a string');
  if (uri.length > MAX_URI_LENGTH) throw invalid(`otpauth URI is longer than ${MAX_URI_LENGTH} characters`);
  const match = /^otpauth:\/\/([a-z]+)\/([^?#]*)(?:\?([^#]*))?(?:#.*)?$/is.exec(uri.trim());
  if (match === null) throw invalid("not an otpauth URI (expected 'otpauth://totp/…' or 'otpauth://hotp/…')");
  const type = (match[1] as string).toLowerCase();
  if (type !== 'totp' && type !== 'hotp') throw invalid(`unknown otpauth type ${JSON.stringify(type.slice(0, 16))}`);
  const [labelIssuer, account] = splitLabel(match[2] as string);

  const params = new Map<string, string>();
  for (const pair of (match[3] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodePart(eq < 0 ? pair : pair.slice(0, eq), 'parameter name').toLowerCase();
    const value = decodePart(eq < 0 ? '' : pair.slice(eq + 1), `parameter ${name}`);
    if (params.has(name)) throw invalid(`parameter ${JSON.stringify(name.slice(0, 32))} is repeated`);
    params.set(name, value);
  }

  const secretText = params.get('secret');
  if (secretText === undefined || secretText === '') throw invalid('the secret parameter is missing');
  let secret: Uint8Array;
  try {
    secret = secretBytes(secretText);
  } catch (error) {
    throw invalid(`the secret parameter is invalid: ${(error as Error).message}`, error);
  }
  const issuerParam = params.get('issuer');
  const algorithm = params.has('algorithm') ? parseAlgorithm(params.get('algorithm') as string) : 'SHA-1';
  const digitsText = params.get('digits');
  const periodText = params.get('period');
  const result: OtpauthUri = {
    type,
    secret,
    issuer: issuerParam !== undefined && issuerParam !== '' ? issuerParam : (labelIssuer ?? ''),
    accountName: account.replace(/^ +/, ''),
    algorithm,
    digits: digitsText === undefined ? 6 : parseInteger(digitsText, 'digits', 6, 10),
    period: periodText === undefined ? 30 : parseInteger(periodText, 'period', 1, 1e9),
  };
  if (type === 'hotp') {
    const counterText = params.get('counter');
    if (counterText === undefined) throw invalid('an hotp URI needs a counter parameter');
    result.counter = parseInteger(counterText, 'counter', 0, Number.MAX_SAFE_INTEGER);
  }
  return result;
}
