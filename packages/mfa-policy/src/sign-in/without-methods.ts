import { type AccountView, decide, origin } from '../internal/view.ts';
import { REASON, RULE } from '../reasons.ts';
import type { Decision } from '../types.ts';
import { enrolStep, type Proof, type RiskLevel } from './factors.ts';

/** Sign-in for an account with no usable method: enrolment, or a password where allowed (never administrators). */
export function signInWithoutMethods(view: AccountView, proof: Proof, risk: RiskLevel): Decision {
  const { trace, settings } = view;
  const source = origin(view, 'signIn.withoutMethods');
  if (!proof.password) {
    trace.push({ rule: RULE.FIRST_FACTOR, outcome: 'fail', detail: 'No password was proved.' });
    return decide(false, REASON.PASSWORD_REQUIRED, 'Enter your password to continue.', trace, {
      next: [{ kind: 'password' }],
    });
  }
  trace.push({ rule: RULE.FIRST_FACTOR, outcome: 'pass', detail: 'The password was proved.' });
  if (settings.signIn.withoutMethods === 'requireEnrolment') {
    trace.push({
      rule: RULE.WITHOUT_METHODS,
      outcome: 'fail',
      detail: 'The account has no usable method and the policy sends such accounts to enrolment.',
      source,
    });
    return decide(
      false,
      REASON.ENROLMENT_REQUIRED,
      'Set up a sign-in method such as an authenticator app before you continue.',
      trace,
      { next: enrolStep(view) },
    );
  }
  if (view.admin) {
    trace.push({
      rule: RULE.ADMIN_NEVER_PASSWORD_ONLY,
      outcome: 'fail',
      detail: 'Administrators never sign in on a password alone, whatever signIn.withoutMethods says.',
    });
    return decide(
      false,
      REASON.ADMIN_NEEDS_MFA,
      'Local Administrators must set up a sign-in method before they can sign in.',
      trace,
      { next: enrolStep(view) },
    );
  }
  if (risk > 0) {
    trace.push({
      rule: RULE.WITHOUT_METHODS,
      outcome: 'fail',
      detail: 'A password alone would do, but a risk signal demands MFA.',
      source,
    });
    return decide(
      false,
      REASON.RISK_REQUIRES_MFA,
      'This sign-in looks unusual, so set up a sign-in method before you continue.',
      trace,
      { next: enrolStep(view) },
    );
  }
  trace.push({
    rule: RULE.WITHOUT_METHODS,
    outcome: 'pass',
    detail: 'The account has no usable method and the policy lets such users in on a password.',
    source,
  });
  return decide(true, REASON.PASSWORD_ONLY_ALLOWED, 'Signed in with a password; no MFA method is set up yet.', trace);
}
