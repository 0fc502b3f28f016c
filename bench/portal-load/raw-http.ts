/**
 * A lean HTTP/1.1 client for the load generator: keep-alive sockets to one origin, each carrying
 * one request at a time, with requests written as one string and answers parsed just enough
 * (status, Location, Set-Cookie, body by Content-Length or chunked). node:http's client costs
 * about 0.3 ms of CPU per request here, which on a 2-core machine shared with the portal and
 * PostgreSQL would be measured as the portal's own slowness; this one costs a fraction of it.
 */
import { connect, type Socket } from 'node:net';

/** An answer: the parts a virtual user needs. */
export interface RawAnswer {
  status: number;
  location: string | null;
  setCookies: string[];
  text: string;
}

interface Pending {
  head: string;
  body: string;
  resolve: (answer: RawAnswer) => void;
  /** `retryable`: the socket closed before a byte of the answer came (nothing was lost). */
  reject: (error: Error, retryable: boolean) => void;
}

/** Parses one answer from the front of `buf`; undefined until it is complete. */
function parseAnswer(buf: Buffer): { answer: RawAnswer; used: number } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const lines = head.split('\r\n');
  const status = Number((lines[0] ?? '').split(' ')[1]);
  let location: string | null = null;
  let length = -1;
  let chunked = false;
  const setCookies: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
    else if (name === 'location') location = value;
    else if (name === 'set-cookie') setCookies.push(value);
  }
  let at = headEnd + 4;
  if (!chunked) {
    const size = Math.max(0, length);
    if (buf.length < at + size) return undefined;
    return { answer: { status, location, setCookies, text: buf.toString('utf8', at, at + size) }, used: at + size };
  }
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) throw new Error('load client: malformed chunk size');
    const dataStart = lineEnd + 2;
    if (buf.length < dataStart + size + 2) return undefined;
    if (size === 0) {
      // No trailers are expected: the last chunk is followed by an empty line.
      return {
        answer: { status, location, setCookies, text: Buffer.concat(parts).toString('utf8') },
        used: dataStart + 2,
      };
    }
    parts.push(buf.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

/** One keep-alive connection, one request at a time. */
class Connection {
  readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private current: Pending | undefined;
  /** Requests completed on this socket (a fresh one may fail without a retry). */
  served = 0;
  closed = false;

  constructor(port: number, host: string, onFree: (c: Connection) => void, onClose: (c: Connection) => void) {
    this.socket = connect({ port, host, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      const current = this.current;
      if (!current) return;
      let parsed: ReturnType<typeof parseAnswer>;
      try {
        parsed = parseAnswer(this.buf);
      } catch (error) {
        this.fail(error as Error, false);
        return;
      }
      if (!parsed) return;
      this.buf = this.buf.subarray(parsed.used);
      this.current = undefined;
      this.served++;
      current.resolve(parsed.answer);
      onFree(this);
    });
    const end = (error?: Error) => {
      if (this.closed) return;
      this.closed = true;
      onClose(this);
      this.fail(error ?? new Error('load client: the server closed the connection'), this.buf.length === 0);
    };
    this.socket.on('error', end);
    this.socket.on('close', () => end());
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(p.head + p.body);
  }

  private fail(error: Error, retryable: boolean): void {
    const current = this.current;
    this.current = undefined;
    current?.reject(error, retryable);
    this.socket.destroy();
  }
}

/** A pool of keep-alive connections to one `http://host:port` origin. */
export class RawHttpPool {
  private readonly host: string;
  private readonly port: number;
  private readonly idle: Connection[] = [];
  private readonly waiting: Pending[] = [];
  private open = 0;
  private readonly maxSockets: number;

  /**
   * @param base - `http://127.0.0.1:<port>`.
   * @param maxSockets - At most this many connections at once; more requests wait.
   */
  constructor(base: string, maxSockets = 64) {
    this.maxSockets = maxSockets;
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  /** Sends one request; `headers` are written as given (names and values already valid). */
  request(method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawAnswer> {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (body || method !== 'GET') head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      this.dispatch({ head, body, resolve, reject });
    });
  }

  private dispatch(p: Pending): void {
    // Oldest idle first, so every socket stays in use (one left idle past the server's
    // keep-alive timeout would be closed under it).
    const conn = this.idle.shift();
    if (conn) {
      this.sendOn(conn, p);
      return;
    }
    if (this.open < this.maxSockets) {
      this.open++;
      this.sendOn(
        new Connection(
          this.port,
          this.host,
          (c) => this.free(c),
          (c) => this.dropped(c),
        ),
        p,
      );
      return;
    }
    this.waiting.push(p);
  }

  private sendOn(conn: Connection, p: Pending): void {
    // A reused socket the server closed while it sat idle fails before any answer: that
    // request is sent once more on a fresh socket (a fresh socket's failure is the caller's).
    const reused = conn.served > 0;
    conn.send({
      ...p,
      reject: (error, retryable) => {
        if (reused && retryable) this.dispatch(p);
        else p.reject(error, false);
      },
    });
  }

  private free(conn: Connection): void {
    const next = this.waiting.shift();
    if (next) this.sendOn(conn, next);
    else this.idle.push(conn);
  }

  private dropped(conn: Connection): void {
    this.open--;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.waiting.shift();
    if (next) this.dispatch(next);
  }

  /** Closes every connection. */
  destroy(): void {
    for (const conn of this.idle.splice(0)) conn.socket.destroy();
  }
}
