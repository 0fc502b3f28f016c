// Accounts for the scale and fault runs, written straight into the portal's tables (the portal
// has no self sign-up; administrators create accounts elsewhere). Same rows as the demo seed.
import { generateTotp } from '@keyward/totp';
import type pg from 'pg';
import { hashPassword, type ScryptParams } from '../../src/security/passwords.ts';
import { newId } from '../../src/security/tokens.ts';

/** The TOTP secret every seeded account's authenticator app uses. */
export const SEED_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The password of every seeded account. */
export const SEED_PASSWORD = 'keyward-scale';

/** One account with an authenticator app; returns its id and its app's method id. */
export async function seedUser(
  db: pg.Pool,
  username: string,
  scrypt: ScryptParams = { cost: 1024, blockSize: 8, parallelization: 1 },
): Promise<{ accountId: string; appId: string }> {
  const accountId = newId();
  const appId = newId();
  const hash = await hashPassword(SEED_PASSWORD, scrypt);
  await db.query(
    `WITH a AS (INSERT INTO accounts (id, username, display_name, password_hash, roles, created_at)
                VALUES ($1, $2, $2, $3, '{}', now()) RETURNING id)
     INSERT INTO methods (id, account_id, kind, created_at, totp_secret) SELECT $4, id, 'authenticatorApp', now(), $5 FROM a`,
    [accountId, username, hash, appId, SEED_TOTP_SECRET],
  );
  await db.query('UPDATE accounts SET default_method_id = $2 WHERE id = $1', [accountId, appId]);
  return { accountId, appId };
}

/**
 * `count` accounts named `<prefix><i>` (i from 0), all with `passwordHash` and an authenticator
 * app, in one statement; with `keys`, each also gets a FIDO2 credential (id i of `keys`).
 */
export async function seedMany(
  db: pg.Pool,
  prefix: string,
  count: number,
  passwordHash: string,
  keys?: { credentialIds: string[]; cosePublicKey: Uint8Array },
): Promise<{ accountIds: string[]; keyMethodIds: string[] }> {
  const accountIds = Array.from({ length: count }, () => newId());
  const appIds = Array.from({ length: count }, () => newId());
  const names = accountIds.map((_, i) => `${prefix}${i}`);
  await db.query(
    `INSERT INTO accounts (id, username, display_name, password_hash, roles, default_method_id, created_at)
     SELECT a, n, n, $3, '{}', m, now() FROM unnest($1::uuid[], $2::text[], $4::uuid[]) AS t(a, n, m)`,
    [accountIds, names, passwordHash, appIds],
  );
  await db.query(
    `INSERT INTO methods (id, account_id, kind, created_at, totp_secret)
     SELECT m, a, 'authenticatorApp', now() - interval '1 day', $3 FROM unnest($1::uuid[], $2::uuid[]) AS t(m, a)`,
    [appIds, accountIds, SEED_TOTP_SECRET],
  );
  const keyMethodIds: string[] = [];
  if (keys) {
    keyMethodIds.push(...accountIds.map(() => newId()));
    await db.query(
      `INSERT INTO methods (id, account_id, kind, label, created_at, credential_id, public_key, sign_count, transports)
       SELECT m, a, 'fido2', 'Load key', now(), c, $4, 0, '{usb}' FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(m, a, c)`,
      [keyMethodIds, accountIds, keys.credentialIds.slice(0, count), Buffer.from(keys.cosePublicKey)],
    );
  }
  return { accountIds, keyMethodIds };
}

/**
 * Authenticator-app codes for one account, each step used once (the portal refuses a step it
 * has already accepted): the current step, then the next one (both inside the ±1 window).
 */
export class TotpCodes {
  #lastStep = -1;
  /** A code for a step not used yet; throws once both usable steps are spent. */
  next(now: number = Date.now()): string {
    const step = Math.floor(now / 30_000);
    const use = Math.max(step, this.#lastStep + 1);
    if (use > step + 1) throw new Error('no unused TOTP step left in the window; use another account');
    this.#lastStep = use;
    return generateTotp({ secret: SEED_TOTP_SECRET, timestamp: use * 30_000 });
  }
}
