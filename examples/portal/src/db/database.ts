import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sha256 } from '../security/tokens.ts';

/** Something SQL can be sent to: the database itself or one transaction on it. */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** The portal's storage: embedded PGlite or a PostgreSQL server reached through `pg`. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` holding one connection (session-level advisory locks need that). */
  withConnection<T>(fn: (conn: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: the whole data folder as a tarball (tests start from a migrated template). */
  dump?(): Promise<Blob>;
}

/** Where the data lives: a `postgres://` URL, a folder for PGlite, or `memory`. */
export interface DatabaseLocation {
  /** `postgres://…` switches to a PostgreSQL server. */
  url?: string | undefined;
  /** PGlite data folder; omitted with no url means in memory. */
  dataDir?: string | undefined;
  /** PostgreSQL only: a schema to work in (created when missing); tests use one each. */
  schema?: string | undefined;
  /** PGlite only: start from this data folder tarball (from {@link Database.dump}). */
  loadDataDir?: Blob | undefined;
}

/** Opens the database described by `location`. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.url) return openPostgres(location.url, location.schema);
  return openPglite(location.dataDir, location.loadDataDir);
}

async function openPglite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
  await db.waitReady;
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await q.query<T>(sql, params);
      return result.rows;
    },
  });
  const self = wrap(db);
  // PGlite is one connection: advisory locks are re-entrant on it, so callers that need the
  // connection to themselves (migrations) queue here instead.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    query: self.query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    withConnection<T>(fn: (conn: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T> {
      const run = queue.then(() =>
        fn({
          query: self.query,
          async exec(sql) {
            await db.exec(sql);
          },
        }),
      );
      queue = run.catch(() => {});
      return run;
    },
    close: () => db.close(),
    dump: () => db.dumpDataDir('none'),
  };
}

/**
 * Checks a client out of the pool for the caller's own use. `pg`'s pool only listens for errors
 * on idle clients: a checked-out connection cut by the server (a PostgreSQL restart) would emit
 * an `error` event nobody handles, and Node would end the process. We listen while it is held,
 * and `done()` hands a broken client back with its error so the pool discards it.
 */
async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; done: () => void }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  return {
    client,
    done() {
      client.off('error', onError);
      client.release(broken);
    },
  };
}

const statementNames = new Map<string, string>();
/** More distinct texts than the source holds means SQL is being built at run time: stop preparing. */
const MAX_PREPARED = 500;

/**
 * The name a statement is prepared under. Every statement the portal sends is a constant text
 * with parameters, so `pg` parses and plans each once per connection and then only binds and
 * executes it (a third of PostgreSQL's work on the sign-in path). The name is derived from the
 * text, so it is the same in every process. Past {@link MAX_PREPARED} distinct texts new ones
 * are sent unnamed, so SQL built at run time could never fill each connection with prepared
 * statements.
 */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED) return undefined;
    name = `kw_${sha256(sql).slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

async function openPostgres(url: string, schema?: string): Promise<Database> {
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('portal: bad schema name');
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.PG_POOL_MAX ?? 10),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection (a PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const name = statementName(sql);
      const result = await c.query(
        name === undefined
          ? { text: sql, values: params as unknown[] }
          : { name, text: sql, values: params as unknown[] },
      );
      return result.rows as T[];
    },
  });
  const self = wrap(pool);
  return {
    kind: 'postgres',
    query: self.query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const { client, done } = await checkOut(pool);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        done();
      }
    },
    async withConnection(fn) {
      const { client, done } = await checkOut(pool);
      try {
        const q = wrap(client);
        return await fn({
          query: q.query,
          async exec(sql) {
            await client.query(sql);
          },
        });
      } finally {
        done();
      }
    },
    close: () => pool.end(),
  };
}
