// PostgreSQL stops (fast shutdown: every connection is cut) in the middle of the load and starts
// again, while users keep signing in and registering keys through two portal processes. The
// processes must survive, users must get the clear "problem with the service" page while the
// database is away, and afterwards every acknowledged registration is stored, no replay or
// unintended sign-in succeeded, and both processes serve again without being restarted.
// This test runs its own PostgreSQL cluster (the shared one is never stopped).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/security/passwords.ts';
import { type LoadUser, newLedger, runFaultLoad } from './scale/fault-load.ts';
import { passwordStep, WebClient } from './scale/http-client.ts';
import { type Cluster, freshDatabase, inspect, startCluster } from './scale/postgres.ts';
import { type PortalProcess, SHARED_ORIGIN, spawnPortal } from './scale/processes.ts';
import { SEED_PASSWORD, seedMany } from './scale/seed.ts';
import { newKeyPair, SoftKey } from './scale/soft-key.ts';
import { checkNothingLost } from './scale/verify.ts';
import { until } from './scale/wait.ts';

let cluster: Cluster;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: pg.Pool;
const procs: PortalProcess[] = [];

beforeAll(async () => {
  cluster = startCluster(Number(process.env.KEYWARD_FAULT_PGPORT ?? 54343));
  database = await freshDatabase(cluster.url);
  procs.push(...(await Promise.all([1, 2].map(() => spawnPortal({ databaseUrl: database.url, demo: false })))));
  db = inspect(database.url);
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  await db?.end();
  cluster?.destroy();
});

describe('PostgreSQL restarted under load', () => {
  it('keeps the processes up, shows a clear error meanwhile, and loses nothing acknowledged', async () => {
    const pair = newKeyPair();
    const users: LoadUser[] = Array.from({ length: 8 }, (_, i) => ({ username: `pg${i}`, keys: [new SoftKey(pair)] }));
    const hash = await hashPassword(SEED_PASSWORD, { cost: 1024, blockSize: 8, parallelization: 1 });
    await seedMany(db, 'pg', users.length, hash, {
      credentialIds: users.map((u) => (u.keys[0] as SoftKey).id),
      cosePublicKey: ((users[0] as LoadUser).keys[0] as SoftKey).cosePublicKey,
    });
    const [a, b] = procs as [PortalProcess, PortalProcess];
    const ledger = newLedger();
    const stop = { done: false };
    const load = runFaultLoad(
      users,
      () => [a.base, b.base],
      ledger,
      stop,
      () => new SoftKey(pair),
    );

    await until(
      () => ledger.acknowledgedKeys.length >= users.length,
      'registrations before the restart',
      procs,
      ledger,
    );
    const before = ledger.acknowledgedKeys.length;
    cluster.stop();
    await until(() => ledger.serviceErrors >= 10, 'clear errors while the database is away', procs, ledger);
    cluster.start();
    const afterStart = ledger.acknowledgedKeys.length;
    await until(
      () => ledger.acknowledgedKeys.length >= afterStart + users.length,
      'registrations after the restart',
      procs,
      ledger,
    );
    stop.done = true;
    await load;

    // Both processes lived through it; nobody saw a dropped connection, only the clear page.
    for (const p of procs)
      expect({ port: p.port, exit: p.child.exitCode, signal: p.child.signalCode }).toEqual({
        port: p.port,
        exit: null,
        signal: null,
      });
    expect(ledger.connectionErrors).toEqual([]);
    expect(ledger.serviceErrors).toBeGreaterThanOrEqual(10);
    expect(before).toBeGreaterThan(0);
    await checkNothingLost(db, ledger);

    // Each process serves a whole sign-in again with the user's newest key.
    for (const [i, p] of procs.entries()) {
      const user = users[i] as LoadUser;
      const client = new WebClient(p.base);
      expect((await passwordStep(client, user.username, SEED_PASSWORD)).location).toBe('/sign-in/mfa');
      const options = await client.postJson<{ challenge: string }>('/sign-in/mfa/key/options', {});
      const key = user.keys.at(-1) as SoftKey;
      const response = JSON.stringify(key.assert(options.body.challenge, SHARED_ORIGIN));
      expect((await client.post('/sign-in/mfa/key', { response })).location).toBe('/profile');
    }
  });
});
