/**
 * A virtual user's browser for the load generator: the portal tests' {@link BrowserState}
 * (cookies, CSRF token, address) over {@link RawHttpPool} (one pool per portal process, shared by
 * every user the way a load balancer's connections are) instead of node:http.
 */
import { BrowserState } from '../../examples/portal/test/scale/http-client.ts';
import type { RawAnswer, RawHttpPool } from './raw-http.ts';

/** Picks the connection pool of a portal process by its base URL. */
export type PoolFor = (base: string) => RawHttpPool;

/** One user's browser. */
export class LoadClient extends BrowserState {
  private readonly poolFor: PoolFor;

  /**
   * @param ip - The address the portal sees (X-Forwarded-For; the processes trust the proxy).
   * @param poolFor - The pool of each process.
   */
  constructor(ip: string, poolFor: PoolFor) {
    super(ip);
    this.poolFor = poolFor;
  }

  private async send(
    base: string,
    method: string,
    path: string,
    init: { form?: Record<string, string>; json?: unknown } = {},
  ): Promise<RawAnswer> {
    const { headers, body } = this.prepare(init);
    const answer = await this.poolFor(base).request(method, path, headers, body);
    this.absorb(answer.setCookies, answer.text);
    return answer;
  }

  /** GET a page (remembers its CSRF token). */
  get(path: string, base: string): Promise<RawAnswer> {
    return this.send(base, 'GET', path);
  }

  /** POST a form with the current CSRF token. */
  post(path: string, form: Record<string, string>, base: string): Promise<RawAnswer> {
    return this.send(base, 'POST', path, { form });
  }

  /** POST JSON (CSRF token in the header) and parse the JSON answer. */
  async postJson<T>(path: string, json: unknown, base: string): Promise<{ status: number; body: T }> {
    const res = await this.send(base, 'POST', path, { json });
    return { status: res.status, body: JSON.parse(res.text) as T };
  }
}
