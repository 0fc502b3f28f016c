// A portal process is killed (SIGKILL, no clean shutdown) in the middle of the load and
// started again on the same port, while users keep signing in and registering keys through
// both processes. Afterwards: every acknowledged registration is stored, no replay or
// unintended sign-in succeeded, and the only errors users saw were refused connections to the
// dead process (what a load balancer turns into "try again", or routes around).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/security/passwords.ts';
import { type LoadUser, newLedger, runFaultLoad } from './scale/fault-load.ts';
import { passwordStep, WebClient } from './scale/http-client.ts';
import { freshDatabase, inspect, sharedClusterUrl } from './scale/postgres.ts';
import { type PortalProcess, SHARED_ORIGIN, spawnPortal } from './scale/processes.ts';
import { SEED_PASSWORD, seedMany } from './scale/seed.ts';
import { newKeyPair, SoftKey } from './scale/soft-key.ts';
import { checkNothingLost } from './scale/verify.ts';
import { until } from './scale/wait.ts';

let cluster: { url: string; release(): void };
let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: pg.Pool;
const procs: PortalProcess[] = [];

beforeAll(async () => {
  cluster = sharedClusterUrl(54342);
  database = await freshDatabase(cluster.url);
  procs.push(...(await Promise.all([1, 2].map(() => spawnPortal({ databaseUrl: database.url, demo: false })))));
  db = inspect(database.url);
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  await db?.end();
  await database?.drop();
  cluster?.release();
});

describe('a portal process killed under load', () => {
  it('loses nothing acknowledged, lets no replay in, and serves again after a restart', async () => {
    const pair = newKeyPair();
    const users: LoadUser[] = Array.from({ length: 8 }, (_, i) => ({
      username: `kill${i}`,
      keys: [new SoftKey(pair)],
    }));
    const hash = await hashPassword(SEED_PASSWORD, { cost: 1024, blockSize: 8, parallelization: 1 });
    await seedMany(db, 'kill', users.length, hash, {
      credentialIds: users.map((u) => (u.keys[0] as SoftKey).id),
      cosePublicKey: ((users[0] as LoadUser).keys[0] as SoftKey).cosePublicKey,
    });
    const [a, b] = procs as [PortalProcess, PortalProcess];
    const ledger = newLedger();
    const stop = { done: false };
    let live = [a.base, b.base];
    const load = runFaultLoad(
      users,
      () => live,
      ledger,
      stop,
      () => new SoftKey(pair),
    );

    await until(() => ledger.acknowledgedKeys.length >= users.length, 'registrations before the kill', procs, ledger);
    const beforeKill = ledger.acknowledgedKeys.length;
    await a.kill('SIGKILL');
    // Users keep hitting the dead process for a while (no health check yet)...
    await until(() => ledger.connectionErrors.length >= 5, 'requests to the dead process', procs, ledger);
    const refusedWhileDown = ledger.connectionErrors.length;
    // ...then it is taken out of rotation, restarted on the same port, and put back.
    live = [b.base];
    const restarted = await spawnPortal({ databaseUrl: database.url, demo: false, port: a.port });
    procs[0] = restarted;
    live = [restarted.base, b.base];
    const afterRestart = ledger.acknowledgedKeys.length;
    await until(
      () => ledger.acknowledgedKeys.length >= afterRestart + users.length,
      'registrations after the restart',
      procs,
      ledger,
    );
    stop.done = true;
    await load;

    expect(beforeKill).toBeGreaterThan(0);
    expect(refusedWhileDown).toBeGreaterThan(0);
    // The only errors: connections to the killed process, no service errors from the survivor.
    expect(ledger.serviceErrors).toBe(0);
    for (const e of ledger.connectionErrors) expect(e.base).toBe(a.base);
    for (const e of ledger.connectionErrors) expect(e.message).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
    expect(ledger.acknowledgedKeys.length).toBeGreaterThan(beforeKill);
    await checkNothingLost(db, ledger);

    // The restarted process serves a whole sign-in with the newest key of a user.
    const user = users[0] as LoadUser;
    const client = new WebClient(restarted.base);
    expect((await passwordStep(client, user.username, SEED_PASSWORD)).location).toBe('/sign-in/mfa');
    const options = await client.postJson<{ challenge: string }>('/sign-in/mfa/key/options', {});
    const key = user.keys.at(-1) as SoftKey;
    const done = await client.post('/sign-in/mfa/key', {
      response: JSON.stringify(key.assert(options.body.challenge, SHARED_ORIGIN)),
    });
    expect(done.location).toBe('/profile');
    // Nothing the killed process left half-done locks anyone out (no password counter at the limit).
    const stuck = await db.query(
      "SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'pw:user:kill%' AND count >= 10",
    );
    expect(stuck.rows[0].n).toBe(0);
  });
});
