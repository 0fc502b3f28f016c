import type { Queryable } from '../db/database.ts';

/** One audit entry: who did what to which account, and the policy reason if any. */
export interface AuditEntry {
  event: string;
  accountId?: string | null | undefined;
  actorId?: string | null | undefined;
  reason?: string | undefined;
  detail?: Record<string, unknown>;
  ip?: string | undefined;
}

/** An audit row as read back. */
export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  account_id: string | null;
  event: string;
  reason: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  actor_username?: string | null;
}

/** Appends to the audit log (never a secret or a code in `detail`). */
export async function audit(db: Queryable, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (at, actor_id, account_id, event, reason, detail, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [
      now,
      entry.actorId ?? null,
      entry.accountId ?? null,
      entry.event,
      entry.reason ?? null,
      JSON.stringify(entry.detail ?? {}),
      entry.ip ?? null,
    ],
  );
}

/** The most recent entries for one account. */
export async function auditFor(db: Queryable, accountId: string, limit = 50): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `SELECT a.*, actor.username AS actor_username FROM audit_log a LEFT JOIN accounts actor ON actor.id = a.actor_id
     WHERE a.account_id = $1 ORDER BY a.id DESC LIMIT $2`,
    [accountId, limit],
  );
}
