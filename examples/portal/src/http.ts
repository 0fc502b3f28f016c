import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Ctx, Services } from './context.ts';
import { flashMessage } from './flash.ts';
import { buildSubject, type Subject } from './policy.ts';
import { hmac, randomToken, safeEqual, sha256 } from './security/tokens.ts';
import { type AccountRow, isAdmin } from './store/accounts.ts';
import { loadSession } from './store/sessions.ts';
import { type FieldError, type Html, html, layout, type PageContext } from './views/components.ts';

/** Cookie names. The session cookie is rotated at every change of sign-in stage. */
export const COOKIE = { session: 'kw_session', pre: 'kw_pre', device: 'kw_device', flash: 'kw_flash' } as const;

function secure(c: Ctx): boolean {
  return c.get('services').config.origin.startsWith('https:');
}

/** Sets a cookie with the portal's defaults: HttpOnly, SameSite=Lax, Secure over https, path /. */
export function setPortalCookie(c: Ctx, name: string, value: string, maxAgeSeconds?: number): void {
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(c),
    path: '/',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  });
}

/**
 * Security headers for every response (CSP without inline script or style). Set before the
 * handler runs, so they are part of the response it builds: set afterwards they would make
 * Hono's Node adapter turn its light response into a full `Response` on every request.
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header(
    'Permissions-Policy',
    'camera=(), microphone=(), geolocation=(), publickey-credentials-get=(self), publickey-credentials-create=(self)',
  );
  if (secure(c)) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  if (!c.req.path.startsWith('/assets/')) c.header('Cache-Control', 'no-store');
  await next();
};

/** The largest request body the portal reads (forms and WebAuthn responses are far smaller). */
export const MAX_BODY_BYTES = 128 * 1024;

function tooLarge(c: Ctx): Response {
  return c.text('Request too large', 413);
}

/** Node's request, when the app is served by `@hono/node-server` (tests call `app.request`). */
function nodeRequest(c: Ctx): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable ? (incoming as IncomingMessage) : undefined;
}

/** Reads Node's request body up to `limit` bytes; undefined when it is longer. */
function readNodeBody(incoming: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        incoming.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}

/**
 * Reads the body of every request that has one, once, up to {@link MAX_BODY_BYTES} (413 past
 * that, whether or not a Content-Length was sent). Under Node it is read straight from the
 * socket's request: Hono's own body helpers would first build a WHATWG `Request` with a stream,
 * which costs more than the rest of a sign-in step's request handling.
 */
export const readBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('body', '');
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const declared = c.req.header('content-length');
  if (declared !== undefined && !(Number(declared) <= MAX_BODY_BYTES)) return tooLarge(c);
  const incoming = nodeRequest(c);
  let text: string | undefined;
  if (incoming) text = await readNodeBody(incoming, MAX_BODY_BYTES);
  else {
    text = await c.req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) text = undefined;
  }
  if (text === undefined) return tooLarge(c);
  c.set('body', text);
  return next();
};

/** The request's form fields (`application/x-www-form-urlencoded`; other bodies give none). */
export function formBody(c: Ctx): URLSearchParams {
  let form = c.get('form');
  if (!form) {
    const type = c.req.header('content-type') ?? '';
    form = new URLSearchParams(type.startsWith('application/x-www-form-urlencoded') ? c.get('body') : '');
    c.set('form', form);
  }
  return form;
}

/** The request's JSON body, or undefined when it is not JSON. */
export function jsonBody(c: Ctx): unknown {
  try {
    return JSON.parse(c.get('body')) as unknown;
  } catch {
    return undefined;
  }
}

/** The client address: the socket's, or X-Forwarded-For's first hop when trustProxy is set. */
export function clientIp(c: Ctx): string | undefined {
  if (c.get('services').config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    if (forwarded) return forwarded.split(',')[0]?.trim();
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Loads the session and the account, derives the CSRF token, and checks it (plus the Origin
 * header) on every unsafe request except the legacy-client endpoint, which uses Basic auth.
 */
export function sessionAndCsrf(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('services', services);
    c.set('ip', clientIp(c));
    const now = services.now();
    const token = getCookie(c, COOKIE.session);
    let session: AppEnv['Variables']['session'];
    let account: AccountRow | undefined;
    let subject: Subject | undefined;
    if (token) {
      const loaded = await loadSession(services.db, token, now, services.config.sessionIdleSeconds);
      if (loaded) {
        const { account: row, methods, appPasswords, ...rest } = loaded;
        session = rest;
        account = row;
        subject = buildSubject(row, methods, appPasswords);
      }
      if (!session || !account) {
        deleteCookie(c, COOKIE.session, { path: '/' });
        session = undefined;
      }
    }
    c.set('session', session);
    c.set('account', account);
    c.set('subject', subject);
    c.set('sessionToken', session ? token : undefined);
    // Anonymous visitors get a random pre-session cookie that CSRF tokens are bound to.
    let pre = getCookie(c, COOKIE.pre);
    if (!pre || pre.length < 20) {
      pre = randomToken(18);
      setPortalCookie(c, COOKIE.pre, pre);
    }
    const binding = session && token ? `s:${token}` : `p:${pre}`;
    c.set('csrf', hmac(services.csrfKey, binding));
    const flash = getCookie(c, COOKIE.flash);
    if (flash) deleteCookie(c, COOKIE.flash, { path: '/' });
    c.set('flash', flash);

    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && !c.req.path.startsWith('/legacy/')) {
      const origin = c.req.header('origin');
      if (origin && origin !== services.config.origin) return forbidden(c);
      const sent = c.req.header('x-csrf-token') ?? formBody(c).get('_csrf');
      if (!sent || !safeEqual(sent, c.get('csrf'))) return forbidden(c);
    }
    await next();
    return undefined;
  };
}

function forbidden(c: Ctx): Response {
  return c.html(
    page(
      c,
      'Sorry, there is a problem',
      htmlText('This form has expired or came from another site. Go back, reload the page and try again.'),
    ).value,
    403,
  );
}

function htmlText(text: string): Html {
  return html`<h1>Sorry, there is a problem</h1><p>${text}</p><p><a href="/">Go to the start page</a></p>`;
}

/** The page context for the current request. */
export function pageContext(c: Ctx): PageContext {
  const s = c.get('services');
  const account = c.get('account');
  const session = c.get('session');
  return {
    serviceName: s.config.serviceName,
    csrf: c.get('csrf'),
    user:
      account && session?.stage === 'full'
        ? { username: account.username, displayName: account.display_name, isAdmin: isAdmin(account) }
        : undefined,
    flash: flashMessage(c.get('flash')),
    demo: s.config.demo,
  };
}

/** Renders a whole page. */
export function page(
  c: Ctx,
  title: string,
  body: Html,
  options: { scripts?: string[]; errors?: FieldError[] } = {},
): Html {
  return layout(pageContext(c), title, body, {
    ...(options.scripts ? { scripts: options.scripts } : {}),
    hasError: (options.errors?.length ?? 0) > 0,
  });
}

/** Sends a page with a status. */
export function send(
  c: Ctx,
  title: string,
  body: Html,
  options: { scripts?: string[]; errors?: FieldError[]; status?: number } = {},
): Response {
  return c.html(page(c, title, body, options).value, (options.status ?? (options.errors?.length ? 400 : 200)) as 200);
}

/** POST-redirect-GET with an optional flash code. */
export function redirect(c: Ctx, to: string, flash?: string): Response {
  if (flash) setPortalCookie(c, COOKIE.flash, flash, 60);
  return c.redirect(to, 303);
}

/** The session hash challenges are bound to. */
export function sessionHash(c: Ctx): string {
  const token = c.get('sessionToken');
  if (!token) throw new Error('portal: no session');
  return sha256(token);
}

/** A string field from a form body ('' when missing). */
export async function field(c: Ctx, name: string): Promise<string> {
  return formBody(c).get(name) ?? '';
}

/** A guard: the visitor must be fully signed in; otherwise they go to sign in. */
export function requireSignedIn(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('session')?.stage !== 'full' || !c.get('account')) {
      if (c.req.method === 'GET') return redirect(c, '/sign-in');
      return redirect(c, '/sign-in', 'session-expired');
    }
    await next();
    return undefined;
  };
}

/** A guard: Local Administrators only (who, by policy, signed in with MFA). */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const account = c.get('account');
    if (c.get('session')?.stage !== 'full' || !account) return redirect(c, '/sign-in');
    if (!isAdmin(account)) {
      return send(
        c,
        'You cannot view this page',
        html`<h1>You cannot view this page</h1><p>User Management is for Local Administrators.</p>`,
        { status: 403 },
      );
    }
    await next();
    return undefined;
  };
}

/** Safe equality re-exported for handlers. */
export { safeEqual };
