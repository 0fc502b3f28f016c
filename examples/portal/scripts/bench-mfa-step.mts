// In-process measurement of the MFA step alone (no sockets): N users past the password step, then
// their TOTP step 20 at a time. `DATABASE_URL=… node --import tsx --conditions=@keyward/source
// scripts/bench-mfa-step.mts` from examples/portal; without DATABASE_URL it uses PGlite.
import { randomBytes } from 'node:crypto';
import { generateTotp } from '@keyward/totp';
import { openDatabase } from '../src/db/database.ts';
import { hashPassword } from '../src/security/passwords.ts';
import { Client, startPortal } from '../test/helpers.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const url = process.env.DATABASE_URL;
const schema = `portal_bench_${randomBytes(4).toString('hex')}`;
const db = await openDatabase(url ? { url, schema } : {});
const portal = await startPortal({ scrypt: { cost: 2 ** 15, blockSize: 8, parallelization: 1 } }, { db });
const N = Number(process.env.N ?? 300);
const cheap = await hashPassword('pw', { cost: 2 ** 10, blockSize: 8, parallelization: 1 });
for (let i = 0; i < N; i++) {
  await db.query(
    `WITH a AS (INSERT INTO accounts (id, username, display_name, password_hash, created_at) VALUES (gen_random_uuid(), $1, 'B', $2, now()) RETURNING id)
    INSERT INTO methods (id, account_id, kind, created_at, totp_secret) SELECT gen_random_uuid(), id, 'authenticatorApp', now(), $3 FROM a`,
    [`u${i}`, cheap, SECRET],
  );
}
portal.services.config.knownNetworks = [];
// Password step for all (cheap hash accounts), then time the MFA step alone, 20 at a time.
const clients: Client[] = [];
for (let i = 0; i < N; i++) {
  const c = new Client(portal.app);
  c.ip = `10.0.${i >> 8}.${i & 255}`;
  await c.get('/sign-in');
  const r = await c.post('/sign-in', { username: `u${i}`, password: 'pw' });
  await c.get(r.location as string);
  clients.push(c);
}
const code = generateTotp({ secret: SECRET, timestamp: portal.clock.now.getTime() });
const lat: number[] = [];
let errors = 0;
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < N) {
      const c = clients[next++] as Client;
      const s = performance.now();
      const r = await c.request('POST', '/sign-in/mfa/app', { form: { code } });
      lat.push(performance.now() - s);
      if (r.headers.get('location') !== '/profile') errors++;
    }
  }),
);
const total = performance.now() - t0;
lat.sort((a, b) => a - b);
const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]?.toFixed(1);
console.log(
  `${url ? 'postgres' : 'pglite'}: MFA step (TOTP verify + replay guard + session rotation + device + audit), ${N} users, concurrency 20: ${(N / (total / 1000)).toFixed(0)}/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, errors ${errors}`,
);
// Password step with the default scrypt (N=2^15), sequential.
const pl: number[] = [];
for (let i = 0; i < 10; i++) {
  const c = new Client(portal.app);
  await c.get('/sign-in');
  const s = performance.now();
  await c.post('/sign-in', { username: 'alice', password: 'keyward-demo' });
  pl.push(performance.now() - s);
  await db.query('DELETE FROM rate_limits');
}
pl.sort((a, b) => a - b);
console.log(`password step with scrypt N=2^15 r=8 p=1 (sequential): p50 ${pl[5]?.toFixed(1)} ms`);
if (url) await db.query(`DROP SCHEMA ${schema} CASCADE`);
await db.close();
