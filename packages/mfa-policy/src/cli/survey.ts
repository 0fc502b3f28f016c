import type { MfaPolicy } from '../policy.ts';
import type { Account, Decision, SignInAttempt } from '../types.ts';

/** One account's answer under the current policy and, when comparing, under the new one. */
export interface SurveyRow {
  account: string;
  current: Decision;
  proposed?: Decision;
  stranded: boolean;
  changed: boolean;
}

/**
 * An account is stranded when it cannot get further without an administrator: refused, with no
 * next step other than contacting one.
 */
export function isStranded(decision: Decision): boolean {
  if (decision.allowed) return false;
  return (decision.next ?? []).every((step) => step.kind === 'contactAdministrator');
}

/** Evaluates the same attempt for every account, under one policy or two. */
export function survey(
  accounts: readonly Account[],
  attempt: SignInAttempt,
  current: MfaPolicy,
  proposed?: MfaPolicy,
): SurveyRow[] {
  return accounts.map((account) => {
    const now = current.evaluateSignIn(account, attempt);
    const row: SurveyRow = { account: account.id, current: now, stranded: isStranded(now), changed: false };
    if (proposed) {
      const then = proposed.evaluateSignIn(account, attempt);
      row.proposed = then;
      row.stranded = isStranded(then);
      row.changed =
        then.allowed !== now.allowed ||
        then.reason !== now.reason ||
        JSON.stringify(then.next) !== JSON.stringify(now.next);
    }
    return row;
  });
}

function summary(decision: Decision): string {
  const next = decision.next?.map((step) => step.kind).join(', ');
  return `${decision.allowed ? 'allowed' : 'refused'} ${decision.reason}${next ? ` (next: ${next})` : ''}`;
}

/** Renders survey rows as a table for a terminal. */
export function formatSurvey(rows: readonly SurveyRow[], comparing: boolean): string {
  const width = Math.max(7, ...rows.map((row) => row.account.length));
  const lines = rows.map((row) => {
    const flag = row.stranded ? '  STRANDED' : '';
    if (!comparing) return `${row.account.padEnd(width)}  ${summary(row.current)}${flag}`;
    const change = row.changed ? `  ->  ${summary(row.proposed as Decision)}` : '  (unchanged)';
    return `${row.account.padEnd(width)}  ${summary(row.current)}${change}${flag}`;
  });
  const stranded = rows.filter((row) => row.stranded).length;
  const changed = rows.filter((row) => row.changed).length;
  lines.push(
    '',
    `${rows.length} account(s)${comparing ? `, ${changed} changed` : ''}, ${stranded} stranded (only a Local Administrator can help).`,
  );
  return `${lines.join('\n')}\n`;
}
