/**
 * A virtual user's browser for the load generator: a cookie jar and the CSRF token of the last
 * page, over {@link RawHttpPool} (one pool per portal process, shared by every user the way a
 * load balancer's connections are).
 */
import type { RawAnswer, RawHttpPool } from './raw-http.ts';

/** Picks the connection pool of a portal process by its base URL. */
export type PoolFor = (base: string) => RawHttpPool;

/** One user's browser. */
export class LoadClient {
  readonly cookies: Map<string, string> = new Map();
  csrf = '';
  readonly ip: string;
  private readonly poolFor: PoolFor;

  /**
   * @param ip - The address the portal sees (X-Forwarded-For; the processes trust the proxy).
   * @param poolFor - The pool of each process.
   */
  constructor(ip: string, poolFor: PoolFor) {
    this.ip = ip;
    this.poolFor = poolFor;
  }

  private async send(base: string, method: string, path: string, type?: string, body = ''): Promise<RawAnswer> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, accept: 'text/html' };
    if (this.cookies.size) {
      let cookie = '';
      for (const [k, v] of this.cookies) cookie += `${cookie ? '; ' : ''}${k}=${v}`;
      headers.cookie = cookie;
    }
    if (type) headers['content-type'] = type;
    if (type === 'application/json') {
      headers.accept = 'application/json';
      headers['x-csrf-token'] = this.csrf;
    }
    const answer = await this.poolFor(base).request(method, path, headers, body);
    for (const line of answer.setCookies) {
      const pair = line.slice(0, line.indexOf(';') >>> 0);
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    if (answer.text.length) {
      const m = /name="_csrf" value="([^"]+)"/.exec(answer.text);
      if (m?.[1]) this.csrf = m[1];
    }
    return answer;
  }

  /** GET a page (remembers its CSRF token). */
  get(path: string, base: string): Promise<RawAnswer> {
    return this.send(base, 'GET', path);
  }

  /** POST a form with the current CSRF token. */
  post(path: string, form: Record<string, string>, base: string): Promise<RawAnswer> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.send(base, 'POST', path, 'application/x-www-form-urlencoded', body);
  }

  /** POST JSON (CSRF token in the header) and parse the JSON answer. */
  async postJson<T>(path: string, json: unknown, base: string): Promise<{ status: number; body: T }> {
    const res = await this.send(base, 'POST', path, 'application/json', JSON.stringify(json));
    return { status: res.status, body: JSON.parse(res.text) as T };
  }
}
