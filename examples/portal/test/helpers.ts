import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { createPortal } from '../src/app.ts';
import { loadConfig, type PortalConfig } from '../src/config.ts';
import type { AppEnv, Services } from '../src/context.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/db/seed.ts';
import { type OutgoingMessage, outboxSender, type Sender } from '../src/sender.ts';
import { takeCookies } from './scale/http-client.ts';

export const ORIGIN = 'http://localhost:3000';

// Starting PGlite dominates test time; each test starts from a migrated copy made once per worker.
let template: Promise<Blob> | undefined;
async function freshPglite(): Promise<Database> {
  template ??= (async () => {
    const db = await openDatabase({});
    await migrate(db);
    const blob = await (db.dump as () => Promise<Blob>)();
    await db.close();
    return blob;
  })();
  return openDatabase({ loadDataDir: await template });
}

/** A portal on a fresh in-memory PGlite (or on DATABASE_URL in a fresh schema when asked). */
export interface TestPortal {
  app: Hono<AppEnv>;
  services: Services;
  db: Database;
  sent: OutgoingMessage[];
  clock: { now: Date };
  close(): Promise<void>;
}

export async function startPortal(
  overrides: Partial<PortalConfig> = {},
  options: { db?: Database; seed?: boolean } = {},
): Promise<TestPortal> {
  const config: PortalConfig = {
    ...loadConfig({ PORT: '3000' }, '/tmp'),
    dataDir: undefined,
    scrypt: { cost: 2 ** 10, blockSize: 8, parallelization: 1 },
    trustProxy: true,
    ...overrides,
  };
  // PORTAL_TEST_DB=postgres with DATABASE_URL runs the flow tests on PostgreSQL (a fresh schema each).
  const onPg = process.env.PORTAL_TEST_DB === 'postgres' && process.env.DATABASE_URL;
  const schema = onPg ? `portal_flow_${randomBytes(6).toString('hex')}` : undefined;
  const db = options.db ?? (onPg ? await openDatabase({ url: process.env.DATABASE_URL, schema }) : await freshPglite());
  await migrate(db);
  if (options.seed !== false) await seedDemo(db, config.scrypt);
  const sent: OutgoingMessage[] = [];
  const clock = { now: new Date() };
  const outbox = outboxSender(db, () => {});
  const sender: Sender = {
    async send(message) {
      sent.push(message);
      await outbox.send(message);
    },
  };
  const { app, services } = await createPortal({ db, config, sender, now: () => clock.now, log: () => {} });
  let closed = false;
  const close = async () => {
    if (closed || options.db) return;
    closed = true;
    if (schema) await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  };
  return { app, services, db, sent, clock, close };
}

/** A browser-like client: keeps cookies, follows nothing, extracts CSRF tokens from pages. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf = '';
  ip = '127.0.0.1';
  app: Hono<AppEnv>;
  constructor(app: Hono<AppEnv>) {
    this.app = app;
  }

  async request(
    method: string,
    path: string,
    init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.csrf, ...init.form }).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      headers['x-csrf-token'] ??= this.csrf;
      body = JSON.stringify(init.json);
    }
    const res = await this.app.request(`${ORIGIN}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    takeCookies(this.cookies, res.headers.getSetCookie());
    return res;
  }

  /** GET a page and remember its CSRF token. */
  async get(path: string): Promise<{ res: Response; text: string }> {
    const res = await this.request('GET', path);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m?.[1]) this.csrf = m[1];
    return { res, text };
  }

  /** POST a form (with the current CSRF token) and read the answer. */
  async post(
    path: string,
    form: Record<string, string> = {},
  ): Promise<{ res: Response; text: string; location: string | null }> {
    const res = await this.request('POST', path, { form });
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m?.[1]) this.csrf = m[1];
    return { res, text, location: res.headers.get('location') };
  }

  /** GET after a redirect. */
  async follow(location: string | null): Promise<{ res: Response; text: string }> {
    if (!location) throw new Error('no redirect');
    return this.get(location);
  }
}

/** Signs in with a password only and returns where the portal sent the client. */
export async function passwordStep(
  client: Client,
  username: string,
  password = 'keyward-demo',
): Promise<string | null> {
  await client.get('/sign-in');
  const { location } = await client.post('/sign-in', { username, password });
  // Like a browser, land on the next page (which also carries the new CSRF token).
  if (location) await client.get(location);
  return location;
}
