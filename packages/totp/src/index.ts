/**
 * One-time codes for MFA: HOTP (RFC 4226) and TOTP (RFC 6238) with SHA-1, SHA-256 and SHA-512,
 * base32 secrets, `otpauth://` enrolment URIs, and hashed, single-use out-of-band codes for SMS
 * and voice. Synchronous, no `node:` imports: runs on Node, browsers, Deno, Bun and edge workers
 * (`node:crypto`'s HMAC is used when the runtime offers it, `@noble/hashes` otherwise).
 *
 * @packageDocumentation
 */
export { type Base32EncodeOptions, base32Decode, base32Encode } from './base32.ts';
export { isTotpError, TotpError, type TotpErrorCode } from './errors.ts';
export {
  type GenerateHotpOptions,
  generateHotp,
  type VerifyHotpOptions,
  type VerifyHotpResult,
  verifyHotp,
} from './hotp.ts';
export type { TotpAlgorithm } from './internal/options.ts';
export {
  type BuildOtpauthUriOptions,
  buildOtpauthUri,
  type OtpauthUri,
  parseOtpauthUri,
} from './otpauth-uri.ts';
export {
  type IssuedOutOfBandCode,
  type IssueOutOfBandCodeOptions,
  issueOutOfBandCode,
  type OutOfBandFailure,
  type OutOfBandRecord,
  type VerifyOutOfBandCodeOptions,
  type VerifyOutOfBandCodeResult,
  verifyOutOfBandCode,
} from './out-of-band.ts';
export { generateSecret } from './secret.ts';
export {
  type GenerateTotpOptions,
  generateTotp,
  type VerifyTotpOptions,
  type VerifyTotpResult,
  verifyTotp,
} from './totp.ts';
