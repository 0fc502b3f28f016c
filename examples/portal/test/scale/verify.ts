// What the fault tests check once the load has stopped, straight from the database.
import { expect } from 'vitest';
import type { Ledger } from './fault-load.ts';
import type { inspect } from './postgres.ts';

type Pool = ReturnType<typeof inspect>;

/**
 * Every acknowledged key registration is stored (same credential); no replay signed in; no
 * account has more successful key sign-ins in the audit log than its user attempted.
 */
export async function checkNothingLost(db: Pool, ledger: Ledger): Promise<void> {
  expect(ledger.unexpected).toEqual([]);
  expect(ledger.replayWins).toBe(0);
  expect(ledger.acknowledgedKeys.length).toBeGreaterThan(0);
  const stored = await db.query<{ id: string; credential_id: string }>(
    "SELECT id, credential_id FROM methods WHERE kind = 'fido2' AND id = ANY($1::uuid[])",
    [ledger.acknowledgedKeys.map((k) => k.methodId)],
  );
  const byId = new Map(stored.rows.map((r) => [r.id, r.credential_id]));
  const missing = ledger.acknowledgedKeys.filter((k) => byId.get(k.methodId) !== k.credentialId);
  expect(missing).toEqual([]);
  const successes = await db.query<{ username: string; n: number }>(
    `SELECT x.username, count(*)::int AS n FROM audit_log l JOIN accounts x ON x.id = l.account_id
     WHERE l.event = 'sign_in.success' AND l.detail->'factors' @> '["fido2"]' GROUP BY x.username`,
  );
  for (const row of successes.rows) {
    const attempted = ledger.legitimateAttempts.get(row.username) ?? 0;
    expect({ user: row.username, successes: row.n <= attempted }).toEqual({ user: row.username, successes: true });
    expect(row.n).toBeGreaterThanOrEqual(ledger.acknowledgedSignIns.get(row.username) ?? 0);
  }
}
