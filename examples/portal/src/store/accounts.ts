import type { Account, EnrolledMethod } from '@keyward/mfa-policy';
import type { Queryable } from '../db/database.ts';

/** An account as stored. */
export interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  default_method_id: string | null;
  created_at: Date;
}

/** The method kinds the policy knows. */
export type MethodKind = EnrolledMethod['kind'];

/** An enrolled method as stored (secrets included: never render a whole row). */
export interface MethodRow {
  id: string;
  account_id: string;
  kind: MethodKind;
  label: string | null;
  created_at: Date;
  last_used_at: Date | null;
  created_by: string | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  phone: string | null;
  credential_id: string | null;
  public_key: Uint8Array | null;
  sign_count: string | number | null;
  transports: string[] | null;
  aaguid: string | null;
}

/** Finds an account by username (case-insensitive). */
export async function findAccountByUsername(db: Queryable, username: string): Promise<AccountRow | undefined> {
  const rows = await db.query<AccountRow>('SELECT * FROM accounts WHERE lower(username) = lower($1)', [username]);
  return rows[0];
}

/** Loads an account by id. */
export async function getAccount(db: Queryable, id: string): Promise<AccountRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const rows = await db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
  return rows[0];
}

/** Every method of an account, oldest first. */
export async function listMethods(db: Queryable, accountId: string): Promise<MethodRow[]> {
  return db.query<MethodRow>('SELECT * FROM methods WHERE account_id = $1 ORDER BY created_at, id', [accountId]);
}

/** One method of an account (undefined when it is not theirs). */
export async function getMethod(db: Queryable, accountId: string, methodId: string): Promise<MethodRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(methodId)) return undefined;
  const rows = await db.query<MethodRow>('SELECT * FROM methods WHERE id = $1 AND account_id = $2', [
    methodId,
    accountId,
  ]);
  return rows[0];
}

/**
 * A method row read as JSON (`json_agg` in the session load): timestamps come back as text and
 * `public_key` as bytea's `\\x…` hex text; this gives the row `SELECT *` would have given.
 */
export function methodFromJson(raw: Record<string, unknown>): MethodRow {
  const key = raw.public_key;
  return {
    ...(raw as unknown as MethodRow),
    created_at: new Date(raw.created_at as string),
    last_used_at: raw.last_used_at ? new Date(raw.last_used_at as string) : null,
    public_key: typeof key === 'string' ? Buffer.from(key.slice(2), 'hex') : null,
  };
}

/** The account in the shape @keyward/mfa-policy decides on. */
export function toPolicyAccount(account: AccountRow, methods: MethodRow[]): Account {
  return {
    id: account.id,
    roles: [...account.roles],
    methods: methods.map((m) => {
      const method: EnrolledMethod = { id: m.id, kind: m.kind, createdAt: new Date(m.created_at).toISOString() };
      if (m.label) method.label = m.label;
      return method;
    }),
  };
}

/** True for a Local Administrator. */
export function isAdmin(account: { roles: string[] }): boolean {
  return account.roles.includes('localAdmin');
}

/** Human name of a method kind. */
export function kindName(kind: string): string {
  switch (kind) {
    case 'authenticatorApp':
      return 'Authenticator app';
    case 'sms':
      return 'Mobile phone (text message)';
    case 'voice':
      return 'Mobile phone (voice call)';
    case 'alternatePhone':
      return 'Alternate phone (voice call)';
    case 'officePhone':
      return 'Office phone (voice call)';
    case 'fido2':
      return 'FIDO2 security key';
    case 'smartcard':
      return 'Smartcard';
    case 'push':
      return 'Approval request on the authenticator app';
    default:
      return kind;
  }
}

/** How a method is shown in lists: nickname, masked number or kind. */
export function methodDescription(m: MethodRow): string {
  if (m.kind === 'fido2') return m.label ?? 'Security key (no nickname yet)';
  if (m.phone) return `${kindName(m.kind)} ending ${m.phone.slice(-4)}`;
  return m.label ? `${kindName(m.kind)}: ${m.label}` : kindName(m.kind);
}
