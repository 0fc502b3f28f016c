// Portal processes for the scale and fault tests and the load bench: `src/server.ts` run by
// Node through tsx with the `@keyward/source` condition (the same code `dist/server.js` bundles,
// without needing a build first), one process per port, all on one PostgreSQL database.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './postgres.ts';

/** The origin every process is configured with: they sit behind one public address. */
export const SHARED_ORIGIN = 'http://localhost:3000';

/** One running portal process. */
export interface PortalProcess {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
  /** Sends `signal` and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string | null>;
}

/** What a portal process is started with. */
export interface SpawnOptions {
  databaseUrl: string;
  /** A port to reuse (a restart); a free one is found otherwise. */
  port?: number;
  /** scrypt N for the demo seed; the tests use a cheap one. */
  scryptCost?: number;
  /** Seeds alice, bob and admin (on by default). */
  demo?: boolean;
  poolMax?: number;
  env?: Record<string, string>;
  /** Extra Node flags (for example `--cpu-prof`). */
  nodeArgs?: string[];
  /** Another server to start instead of the portal (the load bench's floor server). */
  entry?: string;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `src/server.ts` and resolves once it listens (its start-up line is printed). */
export async function spawnPortal(options: SpawnOptions): Promise<PortalProcess> {
  const port = options.port ?? (await freePort());
  // PORTAL_SERVER_ENTRY runs another entry instead, e.g. the build: examples/portal/dist/server.js.
  const entry =
    options.entry ?? process.env.PORTAL_SERVER_ENTRY ?? join(REPO_ROOT, 'examples', 'portal', 'src', 'server.ts');
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx', '--conditions=@keyward/source'] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, entry], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: SHARED_ORIGIN,
      RP_ID: 'localhost',
      DATABASE_URL: options.databaseUrl,
      KEYWARD_DEMO: options.demo === false ? '0' : '1',
      SCRYPT_COST: String(options.scryptCost ?? 1024),
      TRUST_PROXY: '1',
      PG_POOL_MAX: String(options.poolMax ?? 10),
      ...(options.env ?? {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string | null>((done) =>
    child.on('exit', (code, signal) => done(code ?? signal)),
  );
  const proc: PortalProcess = {
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  const started = Date.now();
  while (!out.includes('Storage: PostgreSQL')) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`portal process exited during start-up:\n${out}`);
    if (Date.now() - started > 60_000) {
      await proc.kill('SIGKILL');
      throw new Error(`portal process did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}
