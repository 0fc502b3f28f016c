import type { ScryptParams } from '../security/passwords.ts';
import { hashPassword } from '../security/passwords.ts';
import { newId } from '../security/tokens.ts';
import type { Database } from './database.ts';

/** The demo password and TOTP secret from the contract (never in production). */
export const DEMO_PASSWORD = 'keyward-demo';
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** The demo accounts: alice (app), bob (nothing yet), admin (Local Administrator, app). */
export const DEMO_ACCOUNTS: {
  username: string;
  displayName: string;
  roles: string[];
  app: boolean;
  description: string;
}[] = [
  {
    username: 'alice',
    displayName: 'Alice Example',
    roles: [],
    app: true,
    description: `authenticator app, TOTP secret ${DEMO_TOTP_SECRET}`,
  },
  { username: 'bob', displayName: 'Bob Example', roles: [], app: false, description: 'no MFA method yet' },
  {
    username: 'admin',
    displayName: 'Ada Admin',
    roles: ['localAdmin'],
    app: true,
    description: `Local Administrator, authenticator app, TOTP secret ${DEMO_TOTP_SECRET}`,
  },
];

/** Creates the demo accounts that do not exist yet (safe to run from several processes at once). */
export async function seedDemo(db: Database, scrypt: ScryptParams, now: Date = new Date()): Promise<void> {
  for (const a of DEMO_ACCOUNTS) {
    const existing = await db.query('SELECT 1 FROM accounts WHERE username = $1', [a.username]);
    if (existing.length) continue;
    const id = newId();
    const hash = await hashPassword(DEMO_PASSWORD, scrypt);
    await db.transaction(async (tx) => {
      const inserted = await tx.query(
        'INSERT INTO accounts (id, username, display_name, password_hash, roles, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING id',
        [id, a.username, a.displayName, hash, a.roles, now],
      );
      if (!inserted.length || !a.app) return;
      const methodId = newId();
      await tx.query(
        `INSERT INTO methods (id, account_id, kind, created_at, totp_secret) VALUES ($1, $2, 'authenticatorApp', $3, $4)`,
        [methodId, id, now, DEMO_TOTP_SECRET],
      );
      await tx.query('UPDATE accounts SET default_method_id = $2 WHERE id = $1', [id, methodId]);
    });
  }
}

/** The start-up banner listing the demo accounts. */
export function demoBanner(origin: string): string {
  const lines = [
    `Keyward portal: ${origin}`,
    '',
    'Demo accounts (password for all: keyward-demo):',
    ...DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(6)} ${a.description}`),
    '',
    `Codes by text or call and approval requests: ${origin}/dev/outbox`,
  ];
  return lines.join('\n');
}
