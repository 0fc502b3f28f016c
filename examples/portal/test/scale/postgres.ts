// PostgreSQL for the scale and fault tests: a fresh database per test on the shared cluster
// (DATABASE_URL, which `npm test` always sets), and, for the restart fault, a cluster of the
// test's own started with the repository's scripts/postgres.sh and stopped/started with pg_ctl
// (the shared cluster is never restarted: other suites use it at the same time).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The repository root (this file is examples/portal/test/scale/postgres.ts). */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** A throwaway PostgreSQL cluster on its own port and data folder. */
export interface Cluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown: open connections are cut), keeping the data. */
  stop(): void;
  /** Starts it again on the same data. */
  start(): void;
  /** Stops it and deletes the data folder. */
  destroy(): void;
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  const last = versions.at(-1);
  if (!last) throw new Error('PostgreSQL is not installed (scripts/setup-system.sh installs it)');
  return join('/usr/lib/postgresql', last, 'bin');
}

function asPostgres(cmd: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'ignore' });
}

/** Starts a cluster of its own with scripts/postgres.sh (port and folder given). */
export function startCluster(port: number): Cluster {
  const dataDir = `/tmp/keyward-pg-portal-scale-${port}`;
  const env = { ...process.env, KEYWARD_PGPORT: String(port), KEYWARD_PGDATA: dataDir };
  const script = join(REPO_ROOT, 'scripts', 'postgres.sh');
  const url = execFileSync('bash', [script], { env, encoding: 'utf8' }).trim();
  const ctl = join(binDir(), 'pg_ctl');
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200`;
  return {
    url,
    port,
    dataDir,
    stop: () => asPostgres(ctl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']),
    start: () => asPostgres(ctl, ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-o', options, 'start']),
    destroy: () => {
      execFileSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The shared cluster: DATABASE_URL (always set by `npm test`), or, when a file is run alone
 * without it, a cluster of the file's own on `fallbackPort` (one port per file, since vitest
 * may run files at the same time).
 */
export function sharedClusterUrl(fallbackPort: number): { url: string; release(): void } {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { url: fromEnv, release: () => {} };
  const cluster = startCluster(fallbackPort);
  return { url: cluster.url, release: () => cluster.destroy() };
}

/** A database URL on the same server as `url`, naming another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh, empty database on the server behind `serverUrl`; `drop()` removes it. */
export async function freshDatabase(serverUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `portal_scale_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(serverUrl, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A small pool for the test's own reads (what is really stored), with errors contained. */
export function inspect(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  return pool;
}
