import type { Queryable } from './database.ts';

/** How many rows one housekeeping run removed, per table. */
export interface PurgeResult {
  challenges: number;
  sessions: number;
  rateLimits: number;
}

async function countDeleted(db: Queryable, sql: string, params: unknown[]): Promise<number> {
  const rows = await db.query<{ n: number }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`, params);
  return rows[0]?.n ?? 0;
}

/**
 * Deletes rows nobody can use any more, so the tables stay bounded however many sign-ins (or
 * attackers spraying usernames) there are: challenges expired over an hour ago (used or not),
 * sessions past their expiry, and rate-limit counters whose window started over a day ago
 * (every limit's window is shorter). Idempotent; several processes may run it at once.
 */
export async function purgeExpired(db: Queryable, now: Date): Promise<PurgeResult> {
  const hourAgo = new Date(now.getTime() - 3600_000);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  return {
    challenges: await countDeleted(db, 'DELETE FROM challenges WHERE expires_at < $1', [hourAgo]),
    sessions: await countDeleted(db, 'DELETE FROM sessions WHERE expires_at < $1', [now]),
    rateLimits: await countDeleted(db, 'DELETE FROM rate_limits WHERE window_start < $1', [dayAgo]),
  };
}
