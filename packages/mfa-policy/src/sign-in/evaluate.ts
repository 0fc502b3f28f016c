import { aKind, KIND_NAMES } from '../config/resolve.ts';
import type { PolicyConfig } from '../config/types.ts';
import { checkAccount, checkAttempt } from '../input.ts';
import { type AccountView, decide, groupByKind, origin, viewAccount } from '../internal/view.ts';
import { NOTICE, REASON, RULE } from '../reasons.ts';
import type { Account, Decision, EnrolledMethod, MethodKind, NextStep, SignInAttempt } from '../types.ts';
import { enrolStep, isPhishingResistant, type RiskLevel, readFactors, riskLevel } from './factors.ts';
import { signInLegacy } from './legacy.ts';
import { signInWithoutMethods } from './without-methods.ts';

/** What would satisfy the prompt now: bypass methods first (each on its own), then core methods, or "other options" before a password. */
function nextSteps(view: AccountView, password: boolean, risk: RiskLevel): NextStep[] {
  const keep = (m: EnrolledMethod): boolean => risk < 2 || isPhishingResistant(m);
  const bypass = view.bypass.filter(keep);
  const core = view.core.filter(keep);
  const steps = groupByKind(bypass);
  if (password) steps.push(...groupByKind(core));
  else if (core.length) steps.push({ kind: 'otherOptions', methodIds: core.map((m) => m.id) });
  return steps.length ? steps : [{ kind: 'contactAdministrator' }];
}

/** The sign-in rules of the contract; see {@link MfaPolicy.evaluateSignIn}. */
export function evaluateSignIn(config: PolicyConfig, account: Account, attempt: SignInAttempt): Decision {
  checkAccount(account);
  checkAttempt(attempt);
  const view = viewAccount(config, account);
  const { trace, settings } = view;
  const proof = readFactors(view, account, attempt);
  const risk = riskLevel(view, attempt.context);

  if ((attempt.context?.client ?? 'browser') === 'legacy') return signInLegacy(view, account, proof, risk);
  trace.push({ rule: RULE.LEGACY_CLIENT, outcome: 'skip', detail: 'The client is a browser.' });

  if (view.usable.length === 0) return signInWithoutMethods(view, proof, risk);
  trace.push({ rule: RULE.WITHOUT_METHODS, outcome: 'skip', detail: 'The account has usable methods.' });

  if (view.core.length === 0) {
    const keyProved = proof.methods.some((m) => settings.methods[m.kind].role === 'bypass');
    trace.push({
      rule: RULE.BYPASS_NEEDS_CORE,
      outcome: 'fail',
      detail: 'The account has bypass methods but no core method, so none of them counts.',
    });
    return decide(
      false,
      REASON.BYPASS_NEEDS_CORE,
      'A security key counts only once the account also has a core method such as an authenticator app or phone.',
      trace,
      // Password plus key proved two factors: the holder may set up a core method now. Otherwise only an administrator can help.
      { next: keyProved && proof.password ? enrolStep(view) : [{ kind: 'contactAdministrator' }] },
    );
  }

  const bypassProved = proof.methods.filter((m) => settings.methods[m.kind].role === 'bypass');
  const coreProved = proof.methods.filter((m) => settings.methods[m.kind].role === 'core');
  if (bypassProved.length) {
    trace.push({
      rule: RULE.BYPASS_NEEDS_CORE,
      outcome: 'pass',
      detail: 'The account has a core method, so its bypass methods count.',
    });
  }
  trace.push({
    rule: RULE.FIRST_FACTOR,
    outcome: proof.password ? 'pass' : bypassProved.length ? 'skip' : 'fail',
    detail: proof.password
      ? 'The password was proved.'
      : bypassProved.length
        ? 'No password was proved; a bypass method needs none.'
        : 'No password was proved.',
  });
  const satisfying = [...bypassProved, ...(proof.password ? coreProved : [])];
  const accepted = risk === 2 ? satisfying.filter(isPhishingResistant) : satisfying;
  if (risk === 2) {
    trace.push({
      rule: RULE.PHISHING_RESISTANT,
      outcome: accepted.length ? 'pass' : 'fail',
      detail: accepted.length
        ? `Phishing-resistant factor ${accepted[0]?.id} was proved.`
        : 'A risk signal demands a phishing-resistant factor (FIDO2 or smartcard) and none was proved.',
    });
  }
  const method = accepted[0];
  if (method) {
    const isBypass = settings.methods[method.kind].role === 'bypass';
    const recommended = settings.methods[method.kind].recommended;
    trace.push({
      rule: RULE.SECOND_FACTOR,
      outcome: 'pass',
      detail: isBypass
        ? `Bypass method ${method.id} satisfies MFA on its own.`
        : `The password and core method ${method.id} satisfy MFA.`,
    });
    if (!recommended) {
      trace.push({
        rule: RULE.RECOMMENDED,
        outcome: 'info',
        detail: `The ${KIND_NAMES[method.kind]} is allowed but not recommended.`,
        source: origin(view, `methods.${method.kind}.recommended`),
      });
    }
    return decide(
      true,
      isBypass ? REASON.BYPASS_SATISFIED : REASON.MFA_SATISFIED,
      isBypass ? `Signed in with ${aKind(method.kind)}.` : `Signed in with a password and ${aKind(method.kind)}.`,
      trace,
      { notices: recommended ? [] : [NOTICE.METHOD_NOT_RECOMMENDED] },
    );
  }

  const next = nextSteps(view, proof.password, risk);
  trace.push({
    rule: RULE.SECOND_FACTOR,
    outcome: 'fail',
    detail: proof.password ? 'No core or bypass method was proved.' : 'Nothing that satisfies MFA yet.',
  });
  if (risk === 2 && (satisfying.length > 0 || next[0]?.kind === 'contactAdministrator')) {
    return decide(
      false,
      REASON.PHISHING_RESISTANT_REQUIRED,
      next[0]?.kind === 'contactAdministrator'
        ? 'This sign-in needs a FIDO2 security key or smartcard and the account has none, so contact your Local Administrator.'
        : 'This sign-in looks unusual, so use a FIDO2 security key or smartcard.',
      trace,
      { next },
    );
  }
  if (proof.disabled.length) {
    return decide(
      false,
      REASON.METHOD_DISABLED,
      `The ${KIND_NAMES[proof.disabled[0] as MethodKind]} is disabled by the policy, so use another method.`,
      trace,
      { next },
    );
  }
  if (proof.notEnrolled.length) {
    return decide(
      false,
      REASON.FACTOR_NOT_ENROLLED,
      `That ${KIND_NAMES[proof.notEnrolled[0] as MethodKind]} is not registered on this account, so use another method.`,
      trace,
      { next },
    );
  }
  if (!proof.password && coreProved.length) {
    return decide(false, REASON.PASSWORD_REQUIRED, 'Enter your password as well.', trace, { next });
  }
  if (!proof.password) {
    return decide(false, REASON.SIGN_IN_REQUIRED, 'Choose how to sign in.', trace, { next });
  }
  return decide(false, REASON.MFA_REQUIRED, 'Confirm your sign-in with one of your methods.', trace, { next });
}
