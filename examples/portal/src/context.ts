import type { MfaPolicy } from '@keyward/mfa-policy';
import type { Context } from 'hono';
import type { PortalConfig } from './config.ts';
import type { Database } from './db/database.ts';
import type { Subject } from './policy.ts';
import type { KnownNetworks } from './security/networks.ts';
import type { Sender } from './sender.ts';
import type { AccountRow } from './store/accounts.ts';
import type { SessionRow } from './store/sessions.ts';

/** What every handler can reach. */
export interface Services {
  db: Database;
  config: PortalConfig;
  policy: MfaPolicy;
  sender: Sender;
  networks: KnownNetworks;
  /** HMAC key for CSRF tokens, shared by every process through the settings table. */
  csrfKey: string;
  /** The clock (tests move it). */
  now: () => Date;
  log: (line: string) => void;
}

/** Per-request variables. */
export interface AppEnv {
  Variables: {
    services: Services;
    session: SessionRow | undefined;
    sessionToken: string | undefined;
    account: AccountRow | undefined;
    /** The session's account with its methods, as read with the session at the start of the request. */
    subject: Subject | undefined;
    csrf: string;
    ip: string | undefined;
    flash: string | undefined;
    /** The request body as text ('' for none), read once by the `readBody` middleware. */
    body: string;
    /** The form fields of the body, parsed on first use. */
    form: URLSearchParams | undefined;
  };
}

/** A Hono context of this app. */
export type Ctx = Context<AppEnv>;
