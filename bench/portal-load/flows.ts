/**
 * The steps virtual users take against the portal, over real sockets. Each throws on any answer
 * but the one a successful user gets, so a wrong status is counted as an error.
 */
import { generateTotp } from '@keyward/totp';
import { COOKIE } from '../../examples/portal/src/http.ts';
import { hmac, randomToken, sha256 } from '../../examples/portal/src/security/tokens.ts';
import type { inspect } from '../../examples/portal/test/scale/postgres.ts';
import { SHARED_ORIGIN } from '../../examples/portal/test/scale/processes.ts';
import { SEED_TOTP_SECRET } from '../../examples/portal/test/scale/seed.ts';
import type { SoftKey } from '../../examples/portal/test/scale/soft-key.ts';
import { LoadClient, type PoolFor } from './client.ts';
import type { RawAnswer } from './raw-http.ts';

type Pool = ReturnType<typeof inspect>;

/** Picks the process for the n-th request of a flow (round robin, like a load balancer). */
export type Router = (n: number) => string;

function expectRedirect(res: RawAnswer, to: string, what: string): void {
  if (res.status !== 303 || res.location !== to) {
    const title = /<title>([^<]*)</.exec(res.text)?.[1] ?? res.text.slice(0, 120);
    throw new Error(`${what}: expected 303 to ${to}, got ${res.status} ${res.location ?? ''} (${title})`);
  }
}

let codeCache: { step: number; code: string } | undefined;
/** The current app code of the seeded secret (every load account shares it; each step is used once per account). */
export function currentCode(now: number = Date.now()): string {
  const step = Math.floor(now / 30_000);
  if (codeCache?.step !== step) codeCache = { step, code: generateTotp({ secret: SEED_TOTP_SECRET, timestamp: now }) };
  return codeCache.code;
}

/**
 * Half-signed-in sessions (password accepted) for `accountIds`, written the way the portal's
 * password step writes them, so the MFA step can be measured alone. Returns browsers holding them.
 */
export async function mfaStageClients(
  db: Pool,
  accountIds: string[],
  firstIp: number,
  poolFor: PoolFor,
): Promise<LoadClient[]> {
  const key = (await db.query("SELECT value FROM settings WHERE key = 'csrf_key'")).rows[0]?.value as string;
  const tokens = accountIds.map(() => randomToken(32));
  const context = JSON.stringify({ client: 'browser', newDevice: false, unusualLocation: false });
  await db.query(
    `INSERT INTO sessions (id_hash, account_id, stage, factors, context, created_at, expires_at, last_seen_at)
     SELECT h, a, 'mfa', '[{"kind":"password"}]', $3::jsonb, now(), now() + interval '10 minutes', now()
     FROM unnest($1::text[], $2::uuid[]) AS t(h, a)`,
    [tokens.map((t) => sha256(t)), accountIds, context],
  );
  return tokens.map((token, i) => {
    const client = new LoadClient(ipOf(firstIp + i), poolFor);
    client.cookies.set(COOKIE.session, token);
    client.cookies.set(COOKIE.pre, randomToken(18));
    client.csrf = hmac(key, `s:${token}`);
    return client;
  });
}

/** A distinct address in 10.0.0.0/8 (a known network) for the n-th user. */
export function ipOf(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The MFA step with the authenticator app: one POST. */
export async function totpStep(client: LoadClient, route: Router): Promise<void> {
  expectRedirect(await client.post('/sign-in/mfa/app', { code: currentCode() }, route(0)), '/profile', 'app code');
}

/** The MFA step with a security key: the options (challenge), then the signed assertion. */
export async function keyStep(client: LoadClient, key: SoftKey, route: Router): Promise<void> {
  const options = await client.postJson<{ challenge?: string }>('/sign-in/mfa/key/options', {}, route(0));
  if (options.status !== 200 || !options.body.challenge)
    throw new Error(`key options: got ${options.status} ${JSON.stringify(options.body).slice(0, 120)}`);
  const response = JSON.stringify(key.assert(options.body.challenge, SHARED_ORIGIN));
  expectRedirect(await client.post('/sign-in/mfa/key', { response }, route(1)), '/profile', 'key assertion');
}

/** The password step as a browser does it: the form, the post, the next page. */
export async function passwordPages(
  client: LoadClient,
  username: string,
  password: string,
  next: string,
  route: Router,
): Promise<void> {
  const form = await client.get('/sign-in', route(0));
  if (form.status !== 200) throw new Error(`sign-in page: got ${form.status}`);
  expectRedirect(await client.post('/sign-in', { username, password }, route(1)), '/sign-in/mfa', 'password');
  const page = await client.get(next, route(2));
  if (page.status !== 200) throw new Error(`${next}: got ${page.status}`);
}

/** A full sign-in with password and app code (4 requests). */
export async function fullSignInTotp(client: LoadClient, username: string, password: string, route: Router) {
  await passwordPages(client, username, password, '/sign-in/mfa', route);
  expectRedirect(await client.post('/sign-in/mfa/app', { code: currentCode() }, route(3)), '/profile', 'app code');
}

/** A full sign-in with password and security key (5 requests). */
export async function fullSignInKey(
  client: LoadClient,
  username: string,
  password: string,
  key: SoftKey,
  route: Router,
) {
  await passwordPages(client, username, password, '/sign-in/mfa/key', route);
  await keyStep(client, key, (n) => route(3 + n));
}
