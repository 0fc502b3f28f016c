import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

/** A versioned SQL file from `migrations/NNN-name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Any constant shared by every portal process: the advisory lock that serialises migrations.
const MIGRATION_LOCK = 4_711_007;

/** Finds the migrations folder both from source (src/db) and from the bundle (dist/). */
export function defaultMigrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', '..', 'migrations'), join(here, '..', 'migrations')]) {
    try {
      readdirSync(candidate);
      return candidate;
    } catch {}
  }
  throw new Error('portal: migrations folder not found');
}

/** Reads `NNN-name.sql` files in version order. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction,
 * holding a session-level advisory lock so two processes starting at once do not race.
 *
 * @returns The versions applied by this call.
 */
export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  return db.withConnection(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await conn.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const rows = await conn.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((r) => r.version));
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await conn
          .exec(
            `BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name}');\nCOMMIT;`,
          )
          .catch(async (error: unknown) => {
            await conn.exec('ROLLBACK').catch(() => {});
            throw error;
          });
        applied.push(m.version);
      }
      return applied;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
