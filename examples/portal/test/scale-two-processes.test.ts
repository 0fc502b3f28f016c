// Two portal processes on one PostgreSQL database, driven over real sockets: whatever one
// process writes (challenges, keys, removals, rate-limit counts) the other one honours.
import {
  Ctap2Client,
  createCredential,
  getCredential,
  MemoryHidTransport,
  VirtualAuthenticator,
} from '@keyward/ctap2-hid';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../src/db/migrate.ts';
import { passwordStep, WebClient } from './scale/http-client.ts';
import { freshDatabase, inspect, sharedClusterUrl } from './scale/postgres.ts';
import { type PortalProcess, SHARED_ORIGIN, spawnPortal } from './scale/processes.ts';
import { SEED_PASSWORD, seedUser, TotpCodes } from './scale/seed.ts';

const PIN = '1234';
type CreationJSON = Parameters<typeof createCredential>[1];
type RequestJSON = Parameters<typeof getCredential>[1];

let cluster: { url: string; release(): void };
let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: pg.Pool;
let a: PortalProcess;
let b: PortalProcess;
const keys: Ctap2Client[] = [];

beforeAll(async () => {
  cluster = sharedClusterUrl(54341);
  database = await freshDatabase(cluster.url);
  // Both start at once on an empty database: migrations and the demo seed must not race.
  [a, b] = await Promise.all([spawnPortal({ databaseUrl: database.url }), spawnPortal({ databaseUrl: database.url })]);
  db = inspect(database.url);
});

afterAll(async () => {
  for (const k of keys.splice(0)) await k.close();
  await Promise.all([a?.kill(), b?.kill()]);
  await db?.end();
  await database?.drop();
  cluster?.release();
});

async function newKey(): Promise<Ctap2Client> {
  const ctap = await Ctap2Client.open(new MemoryHidTransport(new VirtualAuthenticator()));
  await ctap.clientPin.setPin(PIN);
  keys.push(ctap);
  return ctap;
}

/** Password on one process, the app code on the other. */
async function signInWithApp(username: string, codes: TotpCodes, first: string, second: string): Promise<WebClient> {
  const client = new WebClient(first);
  expect((await passwordStep(client, username, SEED_PASSWORD)).location).toBe('/sign-in/mfa');
  const done = await client.post('/sign-in/mfa/app', { code: codes.next() }, second);
  expect(done.location).toBe('/profile');
  expect((await client.get('/profile', first)).status).toBe(200);
  return client;
}

/** The key's assertion: options from `issuer`, the form posted to `verifier`. */
async function keyStep(client: WebClient, ctap: Ctap2Client, issuer: string, verifier: string) {
  await client.get('/sign-in/mfa/key', issuer);
  const options = await client.postJson<RequestJSON>('/sign-in/mfa/key/options', {}, issuer);
  expect(options.status).toBe(200);
  const response = JSON.stringify(await getCredential(ctap, options.body, { origin: SHARED_ORIGIN, pin: PIN }));
  return { response, post: () => client.post('/sign-in/mfa/key', { response }, verifier) };
}

describe('two portal processes on one PostgreSQL database', () => {
  it('both started at once: the schema was migrated once and the demo accounts seeded once', async () => {
    const migrations = await db.query('SELECT version FROM schema_migrations');
    expect(migrations.rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    const accounts = await db.query("SELECT username FROM accounts WHERE username IN ('alice', 'bob', 'admin')");
    expect(accounts.rows).toHaveLength(3);
    // The password step works on each process with a demo account.
    for (const p of [a, b]) {
      const c = new WebClient(p.base);
      expect((await passwordStep(c, 'alice')).location).toBe('/sign-in/mfa');
    }
  });

  it('a key registered through one process (challenge issued by the other) signs in through the other', async () => {
    await seedUser(db, 'carol');
    const codes = new TotpCodes();
    const ctap = await newKey();
    const carol = await signInWithApp('carol', codes, a.base, b.base);
    // Registration: options (the challenge) from A, the key's response verified by B.
    await carol.get('/tokens', a.base);
    const options = await carol.postJson<CreationJSON>('/tokens/options', {}, a.base);
    const created = await createCredential(ctap, options.body, { origin: SHARED_ORIGIN, pin: PIN });
    const reg = await carol.post('/tokens/register', { response: JSON.stringify(created) }, b.base);
    expect(reg.location).toMatch(/^\/tokens\/[0-9a-f-]{36}\/edit\?new=1$/);
    await carol.get(reg.location as string, a.base);
    expect((await carol.post(reg.location as string, { nickname: 'Shared key' }, a.base)).location).toBe('/tokens');
    expect((await carol.get('/tokens', b.base)).text).toContain('<td>Shared key</td>');

    // Sign-in: password on B, key options from B, assertion verified by A; and the other way round.
    for (const [issuer, verifier] of [
      [b.base, a.base],
      [a.base, b.base],
    ] as const) {
      const c = new WebClient(issuer);
      expect((await passwordStep(c, 'carol', SEED_PASSWORD)).location).toBe('/sign-in/mfa');
      const step = await keyStep(c, ctap, issuer, verifier);
      expect((await step.post()).location).toBe('/profile');
      expect((await c.get('/profile', verifier)).status).toBe(200);
    }
    const used = await db.query("SELECT sign_count, last_used_at FROM methods WHERE kind = 'fido2' AND label = $1", [
      'Shared key',
    ]);
    expect(Number(used.rows[0].sign_count)).toBeGreaterThan(0);
    expect(used.rows[0].last_used_at).not.toBeNull();
  });

  it('concurrent replays of one assertion across both processes: exactly one signs in', async () => {
    await seedUser(db, 'dave');
    const ctap = await newKey();
    const dave = await signInWithApp('dave', new TotpCodes(), b.base, a.base);
    await dave.get('/tokens', b.base);
    const options = await dave.postJson<CreationJSON>('/tokens/options', {}, b.base);
    const created = await createCredential(ctap, options.body, { origin: SHARED_ORIGIN, pin: PIN });
    expect((await dave.post('/tokens/register', { response: JSON.stringify(created) }, b.base)).location).toMatch(
      /edit\?new=1$/,
    );
    const c = new WebClient(a.base);
    await passwordStep(c, 'dave', SEED_PASSWORD);
    const { response } = await keyStep(c, ctap, a.base, a.base);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        c.send('POST', '/sign-in/mfa/key', { form: { response }, base: i % 2 ? a.base : b.base }),
      ),
    );
    expect(results.filter((r) => r.location === '/profile')).toHaveLength(1);
    const losers = results.filter((r) => r.location !== '/profile');
    expect(losers).toHaveLength(7);
    // A loser that ran before the winner rotated the session is told the key could not be used;
    // one that ran after it no longer has that session, so its form is refused as expired.
    for (const r of losers) {
      if (r.status === 400) expect(r.text).toContain('That security key could not be used');
      else {
        expect(r.status).toBe(403);
        expect(r.text).toContain('This form has expired');
      }
    }
    const failed = await db.query(
      "SELECT reason FROM audit_log l JOIN accounts x ON x.id = l.account_id WHERE x.username = 'dave' AND event = 'sign_in.key_failed'",
    );
    expect(failed.rows.map((r) => r.reason)).toEqual(
      Array(losers.filter((r) => r.status === 400).length).fill('CHALLENGE_NOT_FOUND'),
    );
    const successes = await db.query(
      "SELECT count(*)::int AS n FROM audit_log l JOIN accounts x ON x.id = l.account_id WHERE x.username = 'dave' AND event = 'sign_in.success'",
    );
    // One sign-in with the app code (to register the key), one with the key.
    expect(successes.rows[0].n).toBe(2);
  });

  it('a removal on one process is effective on the other at the next sign-in', async () => {
    await seedUser(db, 'erin');
    const codes = new TotpCodes();
    const ctap = await newKey();
    const erin = await signInWithApp('erin', codes, a.base, a.base);
    await erin.get('/tokens', a.base);
    const options = await erin.postJson<CreationJSON>('/tokens/options', {}, a.base);
    const created = await createCredential(ctap, options.body, { origin: SHARED_ORIGIN, pin: PIN });
    const reg = await erin.post('/tokens/register', { response: JSON.stringify(created) }, a.base);
    const keyId = reg.location?.split('/')[2] as string;

    // A sign-in on B gets as far as an assertion for the key...
    const pending = new WebClient(b.base);
    await passwordStep(pending, 'erin', SEED_PASSWORD);
    const early = await keyStep(pending, ctap, b.base, b.base);
    // ...then the key is removed through A.
    await erin.get(`/tokens/${keyId}/remove`, a.base);
    expect((await erin.post(`/tokens/${keyId}/remove`, {}, a.base)).location).toBe('/tokens');
    // The assertion made before the removal no longer signs in on B.
    const refused = await early.post();
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('That security key could not be used');
    // A new sign-in on B is not offered the key at all.
    const next = new WebClient(b.base);
    await passwordStep(next, 'erin', SEED_PASSWORD);
    expect((await next.get('/sign-in/mfa/key')).text).toContain('You have not registered a security key.');
    expect((await next.postJson('/sign-in/mfa/key/options', {})).status).toBe(400);
    // The session that was open when the key was removed lasts until its next sign-in (the default policy).
    expect((await erin.get('/profile', b.base)).status).toBe(200);
    const log = await db.query(
      "SELECT event FROM audit_log l JOIN accounts x ON x.id = l.account_id WHERE x.username = 'erin' AND event LIKE 'fido2.%' ORDER BY l.id",
    );
    expect(log.rows.map((r) => r.event)).toEqual(['fido2.registered', 'fido2.removed']);
  });

  it('password rate limits hold across both processes, also under concurrency', async () => {
    await seedUser(db, 'frank');
    // 20 wrong passwords at once, half to each process: the database counts all 20.
    const attempts = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const c = new WebClient(i % 2 ? a.base : b.base, `10.1.0.${i + 1}`);
        await c.get('/sign-in');
        return c.post('/sign-in', { username: 'frank', password: `wrong-${i}` });
      }),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
    for (const r of attempts.filter((x) => x.status === 429)) expect(r.text).toContain('Too many attempts');
    for (const r of attempts.filter((x) => x.status === 401))
      expect(r.text).toContain('Enter a correct username and password');
    // Now even the right password is refused, on either process, and no session is created.
    for (const p of [a, b]) {
      const c = new WebClient(p.base, '10.1.1.1');
      const res = await passwordStep(c, 'frank', SEED_PASSWORD);
      expect(res.status).toBe(429);
      expect((await c.get('/sign-in/mfa')).location).toBe('/sign-in');
    }
    const sessions = await db.query(
      'SELECT 1 FROM sessions s JOIN accounts x ON x.id = s.account_id WHERE x.username = $1',
      ['frank'],
    );
    expect(sessions.rows).toHaveLength(0);
  });

  it('code rate limits hold across both processes: the 11th wrong app code is refused wherever it goes', async () => {
    await seedUser(db, 'grace');
    const c = new WebClient(a.base, '10.2.0.1');
    await passwordStep(c, 'grace', SEED_PASSWORD);
    const answers = [];
    for (let i = 0; i < 11; i++)
      answers.push(await c.post('/sign-in/mfa/app', { code: '000000' }, i % 2 ? a.base : b.base));
    // 000000 could be right by chance once in a million: the first ten are wrong codes, the 11th is limited.
    expect(answers.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(400));
    expect(answers[10]?.status).toBe(429);
    // A right code now is refused too (the limit is on attempts, not on wrong answers).
    const right = await c.post('/sign-in/mfa/app', { code: new TotpCodes().next() }, b.base);
    expect(right.status).toBe(429);
    expect(right.text).toContain('Too many attempts');
  });
});
