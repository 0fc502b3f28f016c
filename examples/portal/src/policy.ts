import type { Account, Actor, Decision, MethodKind, SignInAttempt } from '@keyward/mfa-policy';
import type { Ctx, Services } from './context.ts';
import type { Queryable } from './db/database.ts';
import { sha256 } from './security/tokens.ts';
import { type AccountRow, getAccount, listMethods, type MethodRow, toPolicyAccount } from './store/accounts.ts';
import type { SessionRow } from './store/sessions.ts';

/** An app password as stored (hash only). */
export interface AppPasswordRow {
  id: string;
  account_id: string;
  name: string;
  hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** An account with everything the policy needs to decide about it. */
export interface Subject {
  account: AccountRow;
  methods: MethodRow[];
  appPasswords: AppPasswordRow[];
  policyAccount: Account;
}

/** Loads an account, its methods and live app passwords, and the policy's view of them. */
export async function loadSubject(db: Queryable, accountId: string, known?: AccountRow): Promise<Subject | undefined> {
  const account = known?.id === accountId ? known : await getAccount(db, accountId);
  if (!account) return undefined;
  const methods = await listMethods(db, accountId);
  const appPasswords = await db.query<AppPasswordRow>(
    'SELECT * FROM app_passwords WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at',
    [accountId],
  );
  return buildSubject(account, methods, appPasswords);
}

/**
 * The signed-in (or half-signed-in) account as read with the session at the start of this
 * request, or read now when the request has none for `accountId`.
 */
export async function sessionSubject(c: Ctx, accountId: string): Promise<Subject | undefined> {
  const known = c.get('subject');
  if (known?.account.id === accountId) return known;
  return loadSubject(c.get('services').db, accountId, c.get('account'));
}

/** The subject of rows already read (the session load reads them with the session). */
export function buildSubject(account: AccountRow, methods: MethodRow[], appPasswords: AppPasswordRow[]): Subject {
  const policyAccount = toPolicyAccount(account, methods);
  // Device identity lets the policy refuse the same key (or number) registered twice.
  policyAccount.methods.forEach((m, i) => {
    const row = methods[i] as MethodRow;
    const device = row.credential_id ?? (row.phone ? sha256(row.phone) : undefined);
    if (device) m.deviceId = device;
  });
  for (const p of appPasswords) {
    policyAccount.methods.push({
      id: p.id,
      kind: 'appPassword',
      label: p.name,
      createdAt: new Date(p.created_at).toISOString(),
    });
  }
  return { account, methods, appPasswords, policyAccount };
}

/** The actor behind this request: who is signed in, and whether their session passed MFA. */
export function actorOf(account: AccountRow, session: SessionRow | undefined): Actor {
  return { id: account.id, roles: [...account.roles], mfaVerified: passedMfa(session) };
}

/** True when the session's factors include more than a password. */
export function passedMfa(session: SessionRow | undefined): boolean {
  return !!session && session.factors.some((f) => f.kind !== 'password');
}

/** Asks the policy about a sign-in. */
export function decideSignIn(s: Services, subject: Subject, attempt: SignInAttempt): Decision {
  return s.policy.evaluateSignIn(subject.policyAccount, attempt);
}

/** Asks the policy whether `actor` may enrol a method of `kind` (with an optional device identity). */
export function decideEnrol(
  s: Services,
  subject: Subject,
  kind: MethodKind,
  actor: Actor,
  deviceId?: string,
): Decision {
  return s.policy.canEnrol(
    subject.policyAccount,
    deviceId ? { id: 'new', kind, deviceId } : { id: 'new', kind },
    actor,
  );
}

/** Asks the policy whether `actor` may remove the method `methodId`. */
export function decideRemove(s: Services, subject: Subject, methodId: string, actor: Actor): Decision {
  return s.policy.canRemove(subject.policyAccount, methodId, actor);
}

/** The words to show for a refusal: the policy's sentence plus the way forward. */
export function refusalText(decision: Decision): string {
  const admin = decision.next?.some((n) => n.kind === 'contactAdministrator');
  return admin ? `${decision.explain} Contact your Local Administrator.` : decision.explain;
}

/** Is this request's actor acting on their own account? */
export function isSelf(c: Ctx, subject: Subject): boolean {
  return c.get('account')?.id === subject.account.id;
}
