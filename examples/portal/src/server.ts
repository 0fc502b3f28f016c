import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createPortal } from './app.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { purgeExpired } from './db/housekeeping.ts';
import { migrate } from './db/migrate.ts';
import { demoBanner, seedDemo } from './db/seed.ts';

// Run from dist/server.js: the client bundle sits in dist/public, data under the portal folder.
const here = dirname(fileURLToPath(import.meta.url));
const portalDir = join(here, '..');
const config = loadConfig(process.env, portalDir);
config.publicDir = join(here, 'public');

const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
await migrate(db);
if (config.demo) await seedDemo(db, config.scrypt);
const { app } = await createPortal({ db, config });

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  console.log(config.demo ? demoBanner(config.origin) : `Keyward portal: ${config.origin}`);
  console.log(`Storage: ${where}`);
});

// Housekeeping: every 10 minutes each process deletes expired challenges and sessions and ended
// rate-limit windows (idempotent, so several processes may do it), keeping the tables bounded.
const housekeeping = setInterval(() => {
  purgeExpired(db, new Date()).catch((error: unknown) => console.log(`[housekeeping] ${(error as Error).message}`));
}, 10 * 60_000);
housekeeping.unref();

function shutdown(): void {
  clearInterval(housekeeping);
  server.close(() => {
    db.close().finally(() => process.exit(0));
  });
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
