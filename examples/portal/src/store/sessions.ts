import type { SignInAttempt } from '@keyward/mfa-policy';
import type { Queryable } from '../db/database.ts';
import { randomToken, sha256 } from '../security/tokens.ts';
import type { AccountRow } from './accounts.ts';

/** A factor proven in this sign-in. */
export type Factor = SignInAttempt['factors'][number];
/** Risk context measured at the password step. */
export type RiskContext = NonNullable<SignInAttempt['context']>;

/** A session as stored: `mfa` between password and MFA, `full` once signed in. */
export interface SessionRow {
  id_hash: string;
  account_id: string;
  stage: 'mfa' | 'full';
  factors: Factor[];
  context: RiskContext & { deviceHash?: string };
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date;
}

/** Creates a session and returns the cookie value (only its hash is stored). */
export async function createSession(
  db: Queryable,
  input: {
    accountId: string;
    stage: 'mfa' | 'full';
    factors: Factor[];
    context: SessionRow['context'];
    ttlSeconds: number;
  },
  now: Date,
): Promise<string> {
  const token = randomToken(32);
  await db.query(
    'INSERT INTO sessions (id_hash, account_id, stage, factors, context, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)',
    [
      sha256(token),
      input.accountId,
      input.stage,
      JSON.stringify(input.factors),
      JSON.stringify(input.context),
      now,
      new Date(now.getTime() + input.ttlSeconds * 1000),
    ],
  );
  return token;
}

/** Loads a live session; expired or idle ones are deleted and give undefined. */
export async function loadSession(
  db: Queryable,
  token: string,
  now: Date,
  idleSeconds: number,
): Promise<(SessionRow & { account: AccountRow }) | undefined> {
  const idHash = sha256(token);
  // One round trip for the session and its account.
  const rows = await db.query<SessionRow & { account: AccountRow }>(
    'SELECT s.*, to_jsonb(a) AS account FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1',
    [idHash],
  );
  const row = rows[0];
  if (!row) return undefined;
  const idleLimit = row.stage === 'full' ? idleSeconds * 1000 : Number.POSITIVE_INFINITY;
  if (new Date(row.expires_at) <= now || now.getTime() - new Date(row.last_seen_at).getTime() > idleLimit) {
    await deleteSession(db, token);
    return undefined;
  }
  // Keep writes rare: refresh last_seen at most once a minute.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, now]);
  }
  return row;
}

/** Ends a session. */
export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [sha256(token)]);
}
