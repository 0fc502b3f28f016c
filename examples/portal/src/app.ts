import { createPolicy, type MfaPolicy } from '@keyward/mfa-policy';
import { Hono } from 'hono';
import type { PortalConfig } from './config.ts';
import type { AppEnv, Services } from './context.ts';
import type { Database } from './db/database.ts';
import { readBody, securityHeaders, send, sessionAndCsrf } from './http.ts';
import { adminRoutes } from './routes/admin.ts';
import { appPasswordRoutes } from './routes/app-passwords.ts';
import { methodRoutes } from './routes/methods.ts';
import { pageRoutes } from './routes/pages.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { signInKeyRoutes } from './routes/sign-in-key.ts';
import { signInOutOfBandRoutes } from './routes/sign-in-oob.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { KnownNetworks } from './security/networks.ts';
import { randomToken } from './security/tokens.ts';
import { outboxSender, type Sender } from './sender.ts';
import { html } from './views/components.ts';

/** What {@link createPortal} needs; only `db` and `config` are required. */
export interface PortalOptions {
  db: Database;
  config: PortalConfig;
  /** Delivers SMS, voice and push; defaults to the developer outbox. */
  sender?: Sender;
  /** Overrides the policy built from `config.policy`. */
  policy?: MfaPolicy;
  now?: () => Date;
  log?: (line: string) => void;
}

/** The demo's policy when none is configured: the defaults, with app passwords for legacy clients on. */
export const DEMO_POLICY = { methods: { appPassword: { enabled: true } } };

/** Reads (or creates, once for all processes) the CSRF key in the settings table. */
async function csrfKey(db: Database): Promise<string> {
  await db.query("INSERT INTO settings (key, value) VALUES ('csrf_key', $1) ON CONFLICT (key) DO NOTHING", [
    randomToken(32),
  ]);
  const rows = await db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'csrf_key'");
  return (rows[0] as { value: string }).value;
}

/** Builds the portal application on a migrated database. */
export async function createPortal(options: PortalOptions): Promise<{ app: Hono<AppEnv>; services: Services }> {
  const { db, config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const policyConfig = config.policy ?? (config.demo ? DEMO_POLICY : undefined);
  const services: Services = {
    db,
    config,
    policy: options.policy ?? createPolicy(policyConfig as Parameters<typeof createPolicy>[0]),
    sender: options.sender ?? outboxSender(db, log),
    networks: new KnownNetworks(config.knownNetworks),
    csrfKey: await csrfKey(db),
    now: options.now ?? (() => new Date()),
    log,
  };
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.use('*', securityHeaders);
  app.use('*', readBody);
  app.use('*', sessionAndCsrf(services));
  signInRoutes(app);
  signInKeyRoutes(app);
  signInOutOfBandRoutes(app);
  pageRoutes(app);
  tokenRoutes(app);
  methodRoutes(app);
  appPasswordRoutes(app);
  adminRoutes(app);
  app.notFound((c) =>
    send(
      c,
      'Page not found',
      html`<h1>Page not found</h1><p>If you typed the web address, check it is correct.</p><p><a href="/">Go to the start page</a></p>`,
      { status: 404 },
    ),
  );
  app.onError((error, c) => {
    // Generic to the user; the log gets the error's name and code, never request data.
    log(
      `[error] ${c.req.method} ${c.req.path}: ${error.name}${(error as { code?: string }).code ? ` ${(error as { code?: string }).code}` : ''}: ${error.message}`,
    );
    if (c.req.header('accept')?.includes('application/json') && !c.req.header('accept')?.includes('text/html'))
      return c.json({ error: 'internal' }, 500);
    return send(
      c,
      'Sorry, there is a problem with the service',
      html`<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>`,
      { status: 500 },
    );
  });
  return { app, services };
}
