// A browser-like HTTP client over real sockets (node:http with keep-alive): a cookie jar, the
// CSRF token of the last page, and a choice of which portal process each request goes to, the
// way a load balancer in front of several processes would spread one browser's requests.
import { Agent, request } from 'node:http';

/** An answer: status, headers that matter, body text. */
export interface HttpAnswer {
  status: number;
  location: string | null;
  text: string;
}

/**
 * One keep-alive agent per process (sockets are reused across users, like a proxy's pool).
 * FIFO keeps every pooled socket in use: with LIFO some would sit idle past the server's
 * keep-alive timeout (5 s) and race its close when picked up again (ECONNRESET).
 */
export function keepAliveAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets, scheduling: 'fifo' });
}

const defaultAgent = keepAliveAgent();

/** Applies an answer's Set-Cookie lines to a cookie jar, as a browser does (a cleared cookie is forgotten). */
export function takeCookies(jar: Map<string, string>, setCookies: readonly string[]): void {
  for (const line of setCookies) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (/max-age=0/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/**
 * What a browser keeps between requests, whatever carries them: its cookies, the CSRF token of
 * the last page, and the address the portal sees (X-Forwarded-For; the processes run with
 * TRUST_PROXY=1). Shared by {@link WebClient} and the load bench's client.
 */
export class BrowserState {
  readonly cookies: Map<string, string> = new Map();
  csrf = '';
  ip: string;

  constructor(ip: string) {
    this.ip = ip;
  }

  /** The headers and body of a request: a form gets the CSRF token as `_csrf`, JSON as a header. */
  prepare(init: { form?: Record<string, string>; json?: unknown }): {
    headers: Record<string, string>;
    body: string | undefined;
  } {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, accept: 'text/html' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.csrf, ...init.form }).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      headers.accept = 'application/json';
      headers['x-csrf-token'] = this.csrf;
      body = JSON.stringify(init.json);
    }
    return { headers, body };
  }

  /** Takes in an answer: its Set-Cookie lines (a cleared cookie is forgotten) and its page's CSRF token. */
  absorb(setCookies: readonly string[], text: string): void {
    takeCookies(this.cookies, setCookies);
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m?.[1]) this.csrf = m[1];
  }
}

/** A user's browser over node:http. */
export class WebClient extends BrowserState {
  /** Base URL of the process the next request goes to (`http://127.0.0.1:<port>`). */
  base: string;
  agent: Agent;

  constructor(base: string, ip = '10.0.0.1', agent: Agent = defaultAgent) {
    super(ip);
    this.base = base;
    this.agent = agent;
  }

  /** Sends one request; `form` gets the current CSRF token, `json` sends it as a header. */
  send(
    method: string,
    path: string,
    init: { form?: Record<string, string>; json?: unknown; base?: string } = {},
  ): Promise<HttpAnswer> {
    const { headers, body } = this.prepare(init);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const url = new URL(path, init.base ?? this.base);
    return new Promise((done, fail) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          this.absorb(res.headers['set-cookie'] ?? [], text);
          const location = res.headers.location;
          done({ status: res.statusCode ?? 0, location: typeof location === 'string' ? location : null, text });
        });
      });
      req.on('error', fail);
      req.end(body);
    });
  }

  /** GET a page (remembers its CSRF token). */
  get(path: string, base?: string): Promise<HttpAnswer> {
    return this.send('GET', path, base ? { base } : {});
  }

  /** POST a form with the current CSRF token. */
  post(path: string, form: Record<string, string> = {}, base?: string): Promise<HttpAnswer> {
    return this.send('POST', path, base ? { form, base } : { form });
  }

  /** POST JSON (CSRF token in the header) and parse the JSON answer. */
  async postJson<T>(path: string, json: unknown, base?: string): Promise<{ status: number; body: T }> {
    const res = await this.send('POST', path, base ? { json, base } : { json });
    return { status: res.status, body: JSON.parse(res.text) as T };
  }
}

/** The password step like a browser: the form, the post, then the page it redirects to. */
export async function passwordStep(
  client: WebClient,
  username: string,
  password = 'keyward-demo',
  base?: string,
): Promise<HttpAnswer> {
  await client.get('/sign-in', base);
  const res = await client.post('/sign-in', { username, password }, base);
  if (res.location) await client.get(res.location, base);
  return res;
}
