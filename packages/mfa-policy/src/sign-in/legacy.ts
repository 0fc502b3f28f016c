import { type AccountView, decide, origin } from '../internal/view.ts';
import { REASON, RULE } from '../reasons.ts';
import type { Account, Decision } from '../types.ts';
import { enrolStep, type Proof, type RiskLevel } from './factors.ts';

/** Sign-in from a legacy client: only with an app password, where enabled, never administrators. */
export function signInLegacy(view: AccountView, account: Account, proof: Proof, risk: RiskLevel): Decision {
  const { trace, settings } = view;
  const source = origin(view, 'methods.appPassword.enabled');
  if (!settings.methods.appPassword.enabled) {
    trace.push({ rule: RULE.LEGACY_CLIENT, outcome: 'fail', detail: 'App passwords are disabled.', source });
    return decide(
      false,
      REASON.LEGACY_CLIENT_BLOCKED,
      'This app cannot ask for MFA, so sign in from a browser or an up-to-date app instead.',
      trace,
    );
  }
  trace.push({ rule: RULE.LEGACY_CLIENT, outcome: 'pass', detail: 'App passwords are enabled.', source });
  if (view.admin) {
    trace.push({
      rule: RULE.ADMIN_NEVER_PASSWORD_ONLY,
      outcome: 'fail',
      detail: 'An app password is a password alone, which administrators never sign in with.',
    });
    return decide(
      false,
      REASON.ADMIN_NEEDS_MFA,
      'Local Administrators cannot use app passwords, so sign in from a browser with MFA.',
      trace,
    );
  }
  if (risk > 0) {
    trace.push({
      rule: RULE.RISK,
      outcome: 'fail',
      detail: 'A risk signal demands MFA, which legacy clients cannot do.',
    });
    return decide(
      false,
      REASON.RISK_REQUIRES_MFA,
      'This sign-in looks unusual and this app cannot ask for MFA, so sign in from a browser.',
      trace,
    );
  }
  if (view.core.length === 0) {
    trace.push({
      rule: RULE.LEGACY_CLIENT,
      outcome: 'fail',
      detail: 'App passwords count only for accounts with a core method.',
    });
    return decide(
      false,
      REASON.ENROLMENT_REQUIRED,
      'App passwords work only once a core sign-in method is set up, so set one up in a browser.',
      trace,
      { next: enrolStep(view) },
    );
  }
  const appPassword = proof.methods.find((m) => m.kind === 'appPassword');
  if (appPassword) {
    trace.push({ rule: RULE.SECOND_FACTOR, outcome: 'pass', detail: `App password ${appPassword.id} was proved.` });
    return decide(true, REASON.APP_PASSWORD_ACCEPTED, 'Signed in with an app password.', trace);
  }
  trace.push({ rule: RULE.SECOND_FACTOR, outcome: 'fail', detail: 'Legacy clients must use an app password.' });
  const ids = account.methods.filter((m) => m.kind === 'appPassword').map((m) => m.id);
  return decide(
    false,
    REASON.APP_PASSWORD_REQUIRED,
    'This app needs an app password instead of your password.',
    trace,
    {
      next: ids.length ? [{ kind: 'appPassword', methodIds: ids }] : [{ kind: 'enrol', methodKinds: ['appPassword'] }],
    },
  );
}
