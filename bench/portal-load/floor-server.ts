/**
 * The floor the portal's app-code step is compared with: a bare `node:http` server that does
 * only what that step cannot avoid. It reads the session cookie and the code, loads the session
 * with the portal's own `loadSession`, checks the code against the account's app, and writes
 * the step with the portal's own `writeMfaStep` (the same two statements through the same
 * `Database`, prepared the same way), then answers the same redirect with the new session
 * cookie. No framework, no CSRF check, no policy, no page: what is left is `node:http`, the
 * PostgreSQL client and PostgreSQL. Started by `portal-load.bench.ts` as its own process.
 *
 * Environment: `DATABASE_URL`, `PORT`, `PG_POOL_MAX`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { verifyTotp } from '@keyward/totp';
import { openDatabase } from '../../examples/portal/src/db/database.ts';
import { codeLimitKey, LIMITS } from '../../examples/portal/src/security/rate-limit.ts';
import { loadSession } from '../../examples/portal/src/store/sessions.ts';
import { writeMfaStep } from '../../examples/portal/src/store/sign-in-step.ts';

const db = await openDatabase({ url: process.env.DATABASE_URL });

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function answer(res: ServerResponse, status: number, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

async function step(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = cookie(req, 'kw_session');
  const code = new URLSearchParams(await body(req)).get('code') ?? '';
  const now = new Date();
  const loaded = token ? await loadSession(db, token, now, 3600) : undefined;
  if (loaded?.stage !== 'mfa') return answer(res, 403);
  for (const m of loaded.methods) {
    if (m.kind !== 'authenticatorApp' || !m.totp_secret) continue;
    const checked = verifyTotp({
      token: code,
      secret: m.totp_secret,
      timestamp: now.getTime(),
      window: 1,
      ...(m.totp_last_step === null ? {} : { afterStep: m.totp_last_step }),
    });
    if (!checked.ok) continue;
    const factors = [...loaded.factors, { kind: 'authenticatorApp' as const, methodId: m.id }];
    const written = await writeMfaStep(
      db,
      {
        accountId: loaded.account.id,
        sessionHash: loaded.id_hash,
        limitKey: codeLimitKey(loaded.account.id),
        limit: LIMITS.codePerAccount,
        claim: { kind: 'totp', methodId: m.id, step: checked.step },
        factors,
        context: loaded.context,
        ttlSeconds: 8 * 3600,
        deviceHash: `floor-${loaded.account.id}`,
        reason: 'MFA_SATISFIED',
        detail: { factors: factors.map((f) => f.kind) },
        ip: req.socket.remoteAddress,
      },
      now,
    );
    if (!written.token) return answer(res, 400);
    return answer(res, 303, {
      location: '/profile',
      'set-cookie': [`kw_session=${written.token}; Path=/; HttpOnly; SameSite=Lax`],
    });
  }
  return answer(res, 400);
}

const server = createServer((req, res) => {
  step(req, res).catch((error: unknown) => {
    console.log(`[floor] ${(error as Error).message}`);
    if (!res.headersSent) answer(res, 500);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('Storage: PostgreSQL (floor)'));
process.on('SIGTERM', () => {
  server.close();
  db.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
