import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { hashPassword, verifyPassword } from '../src/security/passwords.ts';
import { hit } from '../src/security/rate-limit.ts';
import { newId, sha256 } from '../src/security/tokens.ts';
import { findAccountByUsername } from '../src/store/accounts.ts';
import { consumeCode, consumeWebAuthnChallenge, createChallenge } from '../src/store/challenges.ts';
import { createSession, loadSession } from '../src/store/sessions.ts';
import { type MfaStepWrite, writeMfaStep } from '../src/store/sign-in-step.ts';

// Every storage test runs on embedded PGlite, and on PostgreSQL too when DATABASE_URL is set
// (each run in a fresh schema).
const targets: [string, () => Promise<Database>][] = [['pglite', () => openDatabase({})]];
const url = process.env.DATABASE_URL;
if (url)
  targets.push(['postgres', () => openDatabase({ url, schema: `portal_test_${randomBytes(6).toString('hex')}` })]);

const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) {
    if (db.kind === 'postgres') {
      const [row] = await db.query<{ s: string }>('SELECT current_schema() AS s');
      await db.query(`DROP SCHEMA ${row?.s} CASCADE`);
    }
    await db.close();
  }
});

async function account(db: Database): Promise<string> {
  const id = newId();
  await db.query(
    "INSERT INTO accounts (id, username, display_name, password_hash, created_at) VALUES ($1, $2, 'T', 'x', now())",
    [id, `u${id.slice(0, 8)}`],
  );
  return id;
}

describe.each(targets)('storage on %s', (_name, open) => {
  let db: Database;

  it('applies the versioned migrations once, also when two runs race', async () => {
    db = await open();
    opened.push(db);
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    expect([...(a ?? []), ...(b ?? [])].sort()).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('keeps the audit log append-only', async () => {
    await db.query("INSERT INTO audit_log (at, event) VALUES (now(), 'test')");
    await expect(db.query("UPDATE audit_log SET event = 'changed'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('lets exactly one of many concurrent consumers use a challenge', async () => {
    const accountId = await account(db);
    const now = new Date();
    await createChallenge(
      db,
      { purpose: 'webauthn-authenticate', sessionHash: 'S', accountId, challenge: 'abc', ttlSeconds: 60 },
      now,
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, () => consumeWebAuthnChallenge(db, 'webauthn-authenticate', 'S', 'abc', now)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses an expired challenge and one bound to another session', async () => {
    const accountId = await account(db);
    const now = new Date();
    await createChallenge(
      db,
      { purpose: 'webauthn-register', sessionHash: 'S1', accountId, challenge: 'c1', ttlSeconds: 60 },
      now,
    );
    expect(await consumeWebAuthnChallenge(db, 'webauthn-register', 'S2', 'c1', now)).toBeUndefined();
    expect(
      await consumeWebAuthnChallenge(db, 'webauthn-register', 'S1', 'c1', new Date(now.getTime() + 61_000)),
    ).toBeUndefined();
    expect(await consumeWebAuthnChallenge(db, 'webauthn-authenticate', 'S1', 'c1', now)).toBeUndefined();
    expect(await consumeWebAuthnChallenge(db, 'webauthn-register', 'S1', 'c1', now)).toBeDefined();
  });

  it('kills a code after five wrong attempts', async () => {
    const accountId = await account(db);
    const now = new Date();
    const id = await createChallenge(
      db,
      { purpose: 'sign-in-code', sessionHash: 'S', accountId, code: '123456', ttlSeconds: 600 },
      now,
    );
    for (let i = 0; i < 5; i++) expect(await consumeCode(db, id, 'sign-in-code', 'S', '000000', now)).toBeUndefined();
    expect(await consumeCode(db, id, 'sign-in-code', 'S', '123456', now)).toBeUndefined();
    const id2 = await createChallenge(
      db,
      { purpose: 'sign-in-code', sessionHash: 'S', accountId, code: '123456', ttlSeconds: 600 },
      now,
    );
    expect(await consumeCode(db, id2, 'sign-in-code', 'S', '123456', now)).toBeDefined();
    expect(await consumeCode(db, id2, 'sign-in-code', 'S', '123456', now)).toBeUndefined();
  });

  it('counts rate-limit hits in the database and restarts the window', async () => {
    const now = new Date();
    const rule = { limit: 3, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 5 }, () => hit(db, 'k', rule, now)));
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(await hit(db, 'k', rule, new Date(now.getTime() + 61_000))).toBe(true);
  });

  it('finds a username whatever its case through an index, and refuses one differing only in case', async () => {
    const id = newId();
    await db.query(
      "INSERT INTO accounts (id, username, display_name, password_hash, created_at) VALUES ($1, 'Case.User', 'T', 'x', now())",
      [id],
    );
    expect((await findAccountByUsername(db, 'case.USER'))?.id).toBe(id);
    await expect(
      db.query(
        "INSERT INTO accounts (id, username, display_name, password_hash, created_at) VALUES ($1, 'case.user', 'T', 'x', now())",
        [newId()],
      ),
    ).rejects.toThrow(/accounts_username_lower/);
    // With enough accounts for the planner to care, the sign-in lookup reads the index, not the table.
    await db.query(
      `INSERT INTO accounts (id, username, display_name, password_hash, created_at)
       SELECT gen_random_uuid(), 'bulk' || n, 'T', 'x', now() FROM generate_series(1, 5000) AS n`,
    );
    await db.query('ANALYZE accounts');
    const plan = await db.query<Record<string, unknown>>(
      "EXPLAIN (FORMAT JSON) SELECT * FROM accounts WHERE lower(username) = lower('BULK42')",
    );
    expect(JSON.stringify(plan)).toContain('accounts_username_lower');
    expect(JSON.stringify(plan)).not.toContain('Seq Scan');
  });

  // PostgreSQL only: PGlite has no named statements to count.
  if (_name === 'postgres')
    it('prepares constant statements, but never more than 500 per connection', async () => {
      const prepared = await db.withConnection(async (conn) => {
        for (let i = 0; i < 3; i++) await conn.query('SELECT $1::int AS n', [i]);
        for (let i = 0; i < 600; i++) await conn.query(`SELECT ${i}::int AS n`);
        return conn.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
      });
      expect(prepared.length).toBeGreaterThan(1);
      expect(prepared.length).toBeLessThanOrEqual(501);
      expect(prepared.every((p) => p.name.startsWith('kw_'))).toBe(true);
    });

  it('stores only a hash of the session id and ends idle or expired sessions', async () => {
    const accountId = await account(db);
    const now = new Date();
    const token = await createSession(
      db,
      { accountId, stage: 'full', factors: [{ kind: 'password' }], context: { client: 'browser' }, ttlSeconds: 3600 },
      now,
    );
    expect(await db.query('SELECT 1 FROM sessions WHERE id_hash = $1', [token])).toHaveLength(0);
    expect((await loadSession(db, token, now, 600))?.account_id).toBe(accountId);
    expect(await loadSession(db, token, new Date(now.getTime() + 601_000), 600)).toBeUndefined();
    const t2 = await createSession(db, { accountId, stage: 'full', factors: [], context: {}, ttlSeconds: 60 }, now);
    expect(await loadSession(db, t2, new Date(now.getTime() + 61_000), 600)).toBeUndefined();
  });
});

describe.each(targets)('the MFA step on %s', (_name, open) => {
  let db: Database;
  const limit = { limit: 3, windowSeconds: 900 };

  async function fixture(): Promise<{ accountId: string; app: string; key: string }> {
    if (!db) {
      db = await open();
      opened.push(db);
      await migrate(db);
    }
    const accountId = await account(db);
    const app = newId();
    const key = newId();
    await db.query(
      `INSERT INTO methods (id, account_id, kind, created_at, totp_secret, totp_last_step) VALUES ($1, $2, 'authenticatorApp', now(), 'JBSWY3DPEHPK3PXP', 100)`,
      [app, accountId],
    );
    await db.query(
      `INSERT INTO methods (id, account_id, kind, label, created_at, credential_id, public_key, sign_count)
       VALUES ($1, $2, 'fido2', 'Blue key', now() + interval '1 second', $3, $4, 5)`,
      [key, accountId, `cred-${key}`, new Uint8Array([1, 2, 254, 255])],
    );
    return { accountId, app, key };
  }

  async function halfSignedIn(accountId: string, now: Date): Promise<{ token: string; hash: string }> {
    const token = await createSession(
      db,
      { accountId, stage: 'mfa', factors: [{ kind: 'password' }], context: { client: 'browser' }, ttlSeconds: 600 },
      now,
    );
    return { token, hash: sha256(token) };
  }

  function write(
    accountId: string,
    sessionHash: string,
    claim: MfaStepWrite['claim'],
    rule: MfaStepWrite['limit'] = limit,
  ): MfaStepWrite {
    return {
      accountId,
      sessionHash,
      limitKey: `code:${accountId}`,
      limit: rule,
      claim,
      factors: [
        { kind: 'password' },
        { kind: claim.kind === 'totp' ? 'authenticatorApp' : 'fido2', methodId: claim.methodId },
      ],
      context: { client: 'browser', newDevice: true },
      ttlSeconds: 3600,
      deviceHash: `device-${accountId}`,
      reason: 'MFA_SATISFIED',
      detail: { factors: ['password', claim.kind] },
      ip: '10.0.0.7',
    };
  }

  it('reads the session with its account, methods (keys as bytes) and live app passwords in one query', async () => {
    const { accountId, app, key } = await fixture();
    const now = new Date();
    await db.query(
      `INSERT INTO app_passwords (id, account_id, name, hash, created_at, revoked_at) VALUES ($1, $2, 'Mail', $3, now(), NULL), ($4, $2, 'Old', $5, now(), now())`,
      [newId(), accountId, `h-${newId()}`, newId(), `h-${newId()}`],
    );
    const { token } = await halfSignedIn(accountId, now);
    const loaded = await loadSession(db, token, now, 600);
    expect(loaded?.account.id).toBe(accountId);
    expect(loaded?.account.created_at).toBeInstanceOf(Date);
    expect(loaded?.methods.map((m) => m.id)).toEqual([app, key]);
    const fido = loaded?.methods[1];
    expect(fido?.created_at).toBeInstanceOf(Date);
    expect([...(fido?.public_key ?? [])]).toEqual([1, 2, 254, 255]);
    expect(Number(fido?.sign_count)).toBe(5);
    expect(loaded?.methods[0]?.totp_last_step).toBe(100);
    expect(loaded?.appPasswords.map((p) => p.name)).toEqual(['Mail']);
  });

  it('signs in with an app code in one statement: counted, claimed, session replaced, device and audit written', async () => {
    const { accountId, app } = await fixture();
    const now = new Date();
    const { hash } = await halfSignedIn(accountId, now);
    const result = await writeMfaStep(db, write(accountId, hash, { kind: 'totp', methodId: app, step: 101 }), now);
    expect(result).toMatchObject({ attempts: 1, claimed: true, counted: true });
    expect(result.token).toMatch(/^[\w-]{43}$/);
    expect(await db.query('SELECT 1 FROM sessions WHERE id_hash = $1', [hash])).toHaveLength(0);
    const [session] = await db.query<{ stage: string; factors: { kind: string }[] }>(
      'SELECT stage, factors FROM sessions WHERE id_hash = $1',
      [sha256(result.token as string)],
    );
    expect(session?.stage).toBe('full');
    expect(session?.factors.map((f) => f.kind)).toEqual(['password', 'authenticatorApp']);
    const [method] = await db.query<{ totp_last_step: number }>('SELECT totp_last_step FROM methods WHERE id = $1', [
      app,
    ]);
    expect(method?.totp_last_step).toBe(101);
    expect(await db.query('SELECT 1 FROM known_devices WHERE account_id = $1', [accountId])).toHaveLength(1);
    const audit = await db.query<{ event: string; reason: string; ip: string }>(
      'SELECT event, reason, ip FROM audit_log WHERE account_id = $1',
      [accountId],
    );
    expect(audit).toEqual([{ event: 'sign_in.success', reason: 'MFA_SATISFIED', ip: '10.0.0.7' }]);
  });

  it('refuses a used time step, a step past the limit and a session that has ended, and changes nothing else', async () => {
    const { accountId, app } = await fixture();
    const now = new Date();
    // The same step again (a replay from another half-signed-in browser): counted, not claimed.
    const first = await halfSignedIn(accountId, now);
    expect(
      await writeMfaStep(db, write(accountId, first.hash, { kind: 'totp', methodId: app, step: 100 }), now),
    ).toEqual({ attempts: 1, claimed: false, counted: false, token: undefined });
    // A session that no longer exists claims nothing, even with a fresh step.
    expect(
      await writeMfaStep(db, write(accountId, sha256('gone'), { kind: 'totp', methodId: app, step: 101 }), now),
    ).toMatchObject({ attempts: 2, claimed: false, token: undefined });
    // Another account's method is not claimed through this account.
    const other = await fixture();
    expect(
      await writeMfaStep(db, write(accountId, first.hash, { kind: 'totp', methodId: other.app, step: 101 }), now),
    ).toMatchObject({ attempts: 3, claimed: false, token: undefined });
    // Past the limit (3), even a right, fresh step is not claimed.
    expect(
      await writeMfaStep(db, write(accountId, first.hash, { kind: 'totp', methodId: app, step: 101 }), now),
    ).toMatchObject({ attempts: 4, claimed: false, token: undefined });
    const [method] = await db.query<{ totp_last_step: number }>('SELECT totp_last_step FROM methods WHERE id = $1', [
      app,
    ]);
    expect(method?.totp_last_step).toBe(100);
    expect(await db.query('SELECT 1 FROM sessions WHERE id_hash = $1', [first.hash])).toHaveLength(1);
    expect(await db.query('SELECT 1 FROM audit_log WHERE account_id = $1', [accountId])).toHaveLength(0);
    // A new window starts afresh.
    const later = new Date(now.getTime() + 901_000);
    const again = await halfSignedIn(accountId, later);
    expect(
      await writeMfaStep(db, write(accountId, again.hash, { kind: 'totp', methodId: app, step: 131 }), later),
    ).toMatchObject({ attempts: 1, claimed: true, counted: true });
  });

  it('signs in with a key only on a live challenge of this session and a counter that moves up', async () => {
    const { accountId, key } = await fixture();
    const now = new Date();
    const { hash } = await halfSignedIn(accountId, now);
    const challenge = async (sessionHash: string, name: string, ttlSeconds = 300) =>
      createChallenge(
        db,
        { purpose: 'webauthn-authenticate', sessionHash, accountId, challenge: name, ttlSeconds },
        now,
      );
    const roomy = { limit: 10, windowSeconds: 900 };
    const claim = (name: string, signCount: number) => ({
      kind: 'webauthn' as const,
      methodId: key,
      challenge: name,
      signCount,
    });
    // Bound to another session, or expired: not claimed.
    await challenge(sha256('another session'), 'c-other');
    expect(await writeMfaStep(db, write(accountId, hash, claim('c-other', 6), roomy), now)).toMatchObject({
      claimed: false,
    });
    await challenge(hash, 'c-expired', -1);
    expect(await writeMfaStep(db, write(accountId, hash, claim('c-expired', 6), roomy), now)).toMatchObject({
      claimed: false,
    });
    // A counter that does not move past the stored 5: the challenge is used up, nobody signs in.
    await challenge(hash, 'c-same');
    expect(await writeMfaStep(db, write(accountId, hash, claim('c-same', 5), roomy), now)).toMatchObject({
      claimed: true,
      counted: false,
      token: undefined,
    });
    expect(await writeMfaStep(db, write(accountId, hash, claim('c-same', 6), roomy), now)).toMatchObject({
      claimed: false,
    });
    // A fresh challenge and a higher counter: signed in, counter stored.
    await challenge(hash, 'c-good');
    const done = await writeMfaStep(db, write(accountId, hash, claim('c-good', 9), roomy), now);
    expect(done).toMatchObject({ claimed: true, counted: true });
    expect(done.token).toBeDefined();
    const [row] = await db.query<{ sign_count: string }>('SELECT sign_count FROM methods WHERE id = $1', [key]);
    expect(Number(row?.sign_count)).toBe(9);
  });

  it('lets exactly one of many concurrent copies of one step sign in', async () => {
    const { accountId, app } = await fixture();
    const now = new Date();
    const { hash } = await halfSignedIn(accountId, now);
    const results = await Promise.all(
      Array.from({ length: 3 }, () =>
        writeMfaStep(db, write(accountId, hash, { kind: 'totp', methodId: app, step: 101 }), now),
      ),
    );
    expect(results.filter((r) => r.token)).toHaveLength(1);
    expect(await db.query('SELECT 1 FROM sessions WHERE account_id = $1', [accountId])).toHaveLength(1);
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a salt, and verifies in constant time', async () => {
    const params = { cost: 2 ** 10, blockSize: 8, parallelization: 1 };
    const a = await hashPassword('correct horse', params);
    const b = await hashPassword('correct horse', params);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});
