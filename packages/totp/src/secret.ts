/**
 * Secret generation.
 */
import { randomBytes } from '@keyward/internal';
import { TotpError } from './errors.ts';
import { MAX_SECRET_BYTES } from './internal/options.ts';

/** Shortest secret {@link generateSecret} makes: RFC 4226 §4 R6 requires at least 128 bits. */
const MIN_GENERATED_BYTES = 16;

/**
 * Generates a random secret from the platform CSPRNG (`crypto.getRandomValues`).
 *
 * @param bytes - Its length in bytes, 16 to 1024. 20 (160 bits) is what RFC 4226 §4 recommends
 *   for HMAC-SHA-1; 32 and 64 suit SHA-256 and SHA-512.
 * @returns The secret; show it to the person with {@link base32Encode} or {@link buildOtpauthUri}.
 * @throws {@link TotpError} `ERR_INVALID_OPTIONS` when `bytes` is not an integer from 16 to 1024.
 * @example
 * ```ts
 * const secret = generateSecret();
 * base32Encode(secret); // 32 characters
 * ```
 */
export function generateSecret(bytes = 20): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < MIN_GENERATED_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new TotpError(
      'ERR_INVALID_OPTIONS',
      `secret length must be an integer from ${MIN_GENERATED_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${String(bytes)}`,
    );
  }
  return randomBytes(bytes);
}
