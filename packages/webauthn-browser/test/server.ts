/// <reference types="node" />
/**
 * The test relying party: a node:http server on localhost serving the test page, the bundled
 * package and a JSON API for both ceremonies.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesToBase64url } from '@keyward/internal';
import { type RelyingParty, type StoredCredential, serverRelyingParty } from './relying-party.ts';

/** One account of the test server. */
export interface Account {
  id: string;
  challenge?: string;
  credentials: StoredCredential[];
}

/** A running test server. */
export interface TestServer {
  origin: string;
  accounts: Map<string, Account>;
  close(): Promise<void>;
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>keyward webauthn-browser test</title></head>
<body><form><label>Username <input name="username" autocomplete="username webauthn"></label></form>
<script type="module" src="/app.js"></script></body></html>`;

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, type: string, payload: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(payload);
}

/**
 * Starts the server on a random loopback port. `http://localhost` (not 127.0.0.1) is the origin:
 * an IP address is not a valid RP ID.
 */
export async function startTestServer(
  scripts: Record<string, string>,
  rp: RelyingParty = serverRelyingParty,
): Promise<TestServer> {
  const accounts = new Map<string, Account>();
  const account = (name: unknown): Account => {
    const key = String(name);
    let found = accounts.get(key);
    if (!found) {
      found = { id: bytesToBase64url(randomBytes(16)), credentials: [] };
      accounts.set(key, found);
    }
    return found;
  };
  let origin = '';
  const api: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    '/api/register/options': async (input) => {
      const user = account(input['user']);
      const options = await rp.registrationOptions(String(input['user']), user, input);
      user.challenge = options.challenge;
      return options;
    },
    '/api/register/verify': async (input) => {
      const user = account(input['user']);
      const verified = await rp.verifyRegistration(input['response'], user.challenge ?? '', origin, input);
      user.challenge = undefined as unknown as string;
      user.credentials.push(verified.credential);
      return verified.summary;
    },
    '/api/login/options': async (input) => {
      const user = account(input['user']);
      const options = await rp.authenticationOptions(user, input);
      user.challenge = options.challenge;
      return options;
    },
    '/api/login/verify': async (input) => {
      const user = account(input['user']);
      const response = input['response'] as { id: string };
      const credential = user.credentials.find((c) => c.id === response.id);
      if (!credential) throw new Error(`unknown credential ${response.id}`);
      const verified = await rp.verifyAuthentication(response, user.challenge ?? '', origin, credential, {
        ...input,
        userId: user.id,
      });
      credential.signCount = verified.newSignCount;
      return verified;
    },
  };
  // The README's quick start talks to these: one account, the response as the whole body.
  const readme = { user: 'readme', exclude: true };
  api['/webauthn/register/options'] = (input) => api['/api/register/options']!({ ...input, ...readme });
  api['/webauthn/register/verify'] = (input) => api['/api/register/verify']!({ ...readme, response: input });
  api['/webauthn/login/options'] = (input) => api['/api/login/options']!({ ...input, ...readme });
  api['/webauthn/login/verify'] = (input) => api['/api/login/verify']!({ ...readme, response: input });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE);
    const script = scripts[path];
    if (req.method === 'GET' && script !== undefined) return send(res, 200, 'text/javascript', script);
    const handler = api[path];
    if (req.method !== 'POST' || !handler) return send(res, 404, 'text/plain', 'not found');
    body(req)
      .then(handler)
      .then(
        (value) => send(res, 200, 'application/json', JSON.stringify(value)),
        (error: unknown) =>
          send(
            res,
            400,
            'application/json',
            JSON.stringify({
              error: `${(error as Error).name}: ${(error as Error).message} ${(error as { code?: string }).code ?? ''}`,
            }),
          ),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    accounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
