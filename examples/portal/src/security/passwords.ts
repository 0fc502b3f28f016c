import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters: N = 2^15, r = 8, p = 1, 32-byte key, 16-byte salt (about 32 MiB and
 * some tens of milliseconds per hash; OWASP's minimum is N = 2^17 with r = 8, or the same
 * memory spread differently; raise `cost` in production). Stored as
 * `scrypt$N$r$p$salt$hash` (base64url) so the parameters can change without a migration.
 */
export interface ScryptParams {
  cost: number;
  blockSize: number;
  parallelization: number;
}

/** The defaults described above. */
export const DEFAULT_SCRYPT: ScryptParams = { cost: 2 ** 15, blockSize: 8, parallelization: 1 };

function derive(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      32,
      { N: p.cost, r: p.blockSize, p: p.parallelization, maxmem: 128 * p.cost * p.blockSize * 2 + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes a password with a fresh salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.cost,
    params.blockSize,
    params.parallelization,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Checks a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const params = { cost: Number(parts[1]), blockSize: Number(parts[2]), parallelization: Number(parts[3]) };
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length !== 32 || salt.length < 16) return false;
  const key = await derive(password, salt, params);
  return timingSafeEqual(key, expected);
}
