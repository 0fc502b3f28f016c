import type { SignInAttempt } from '@keyward/mfa-policy';
import type { Queryable } from '../db/database.ts';
import type { AppPasswordRow } from '../policy.ts';
import { randomToken, sha256 } from '../security/tokens.ts';
import { type AccountRow, type MethodRow, methodFromJson } from './accounts.ts';

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

/** A live session with its account, the account's methods and its live app passwords. */
export interface LoadedSession extends SessionRow {
  account: AccountRow;
  methods: MethodRow[];
  appPasswords: AppPasswordRow[];
}

/**
 * Loads a live session; expired or idle ones are deleted and give undefined. One round trip
 * brings the account and everything the policy needs about it, so a sign-in step needs no
 * other read.
 */
export async function loadSession(
  db: Queryable,
  token: string,
  now: Date,
  idleSeconds: number,
): Promise<LoadedSession | undefined> {
  const idHash = sha256(token);
  const rows = await db.query<
    SessionRow & { account: AccountRow; methods: Record<string, unknown>[]; app_passwords: AppPasswordRow[] }
  >(
    `SELECT s.*, row_to_json(a) AS account,
       (SELECT coalesce(json_agg(m ORDER BY m.created_at, m.id), '[]') FROM methods m WHERE m.account_id = s.account_id) AS methods,
       (SELECT coalesce(json_agg(p ORDER BY p.created_at), '[]') FROM app_passwords p
         WHERE p.account_id = s.account_id AND p.revoked_at IS NULL) AS app_passwords
     FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1`,
    [idHash],
  );
  const found = rows[0];
  if (!found) return undefined;
  const { methods, app_passwords, ...session } = found;
  const row: LoadedSession = {
    ...session,
    account: { ...session.account, created_at: new Date(session.account.created_at) },
    methods: methods.map(methodFromJson),
    appPasswords: app_passwords.map((p) => ({
      ...p,
      created_at: new Date(p.created_at),
      last_used_at: p.last_used_at ? new Date(p.last_used_at) : null,
      revoked_at: null,
    })),
  };
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
