import type { Queryable } from '../db/database.ts';

/** A fixed-window limit: at most `limit` hits per `windowSeconds`. */
export interface Limit {
  limit: number;
  windowSeconds: number;
}

/** Rate limits of the sign-in steps. */
export const LIMITS = {
  passwordPerUser: { limit: 10, windowSeconds: 900 },
  passwordPerIp: { limit: 100, windowSeconds: 900 },
  /** Codes and security-key assertions tried at the MFA step, per account. */
  codePerAccount: { limit: 10, windowSeconds: 900 },
  sendPerAccount: { limit: 5, windowSeconds: 900 },
} satisfies Record<string, Limit>;

/**
 * Counts one hit for `key` in the database (so the limit holds across processes) and says
 * whether it is still within the limit. One atomic upsert; a window that has ended restarts.
 */
export async function hit(db: Queryable, key: string, rule: Limit, now: Date): Promise<boolean> {
  return (await hitCount(db, key, rule, now)) <= rule.limit;
}

/**
 * The hit as SQL, for statements that count an attempt together with other work: `$1` is the
 * key, `$2` now, `$3` the start of the current window (now minus the window's length).
 */
export const RATE_LIMIT_HIT = `INSERT INTO rate_limits (key, count, window_start) VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END,
       window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
     RETURNING count`;

/** Like {@link hit}, but returns the count in the current window (so a caller can skip clearing a fresh key). */
export async function hitCount(db: Queryable, key: string, rule: Limit, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
  const rows = await db.query<{ count: number }>(RATE_LIMIT_HIT, [key, now, windowStart]);
  return rows[0]?.count ?? 0;
}

/** The key under which an account's MFA codes and security-key assertions are counted. */
export function codeLimitKey(accountId: string): string {
  return `code:${accountId}`;
}

/** Counts one MFA code or assertion tried for the account; returns the count in the window. */
export function countCodeAttempt(db: Queryable, accountId: string, now: Date): Promise<number> {
  return hitCount(db, codeLimitKey(accountId), LIMITS.codePerAccount, now);
}

/** Clears a key (after a success that should reset the count). */
export async function clear(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
}
