import { PHISHING_RESISTANT_KINDS } from './config/defaults.ts';
import { aKind, KIND_NAMES } from './config/resolve.ts';
import type { PolicyConfig, RiskResponse } from './config/types.ts';
import { checkAccount, checkAttempt } from './input.ts';
import { type AccountView, decide, groupByKind, kindsWithRole, origin, viewAccount } from './internal/view.ts';
import { NOTICE, REASON, RULE } from './reasons.ts';
import type { Account, Decision, EnrolledMethod, MethodKind, NextStep, SignInAttempt, SignInContext } from './types.ts';

/** 0: no risk response; 1: MFA required; 2: a phishing-resistant factor required. */
type RiskLevel = 0 | 1 | 2;

const RISK_LEVEL: Record<RiskResponse, RiskLevel> = { ignore: 0, requireMfa: 1, requirePhishingResistant: 2 };
const SIGNALS = ['newDevice', 'unusualLocation'] as const;
const SIGNAL_NAMES: Record<(typeof SIGNALS)[number], string> = {
  newDevice: 'a new device',
  unusualLocation: 'an unusual location',
};

function isPhishingResistant(method: EnrolledMethod): boolean {
  return PHISHING_RESISTANT_KINDS.includes(method.kind);
}

function riskLevel(view: AccountView, context: SignInContext | undefined): RiskLevel {
  let level: RiskLevel = 0;
  for (const signal of SIGNALS) {
    const response = view.settings.signIn[signal];
    const source = origin(view, `signIn.${signal}`);
    if (context?.[signal] !== true) {
      view.trace.push({ rule: RULE.RISK, outcome: 'skip', detail: `No sign-in from ${SIGNAL_NAMES[signal]}.`, source });
      continue;
    }
    view.trace.push({
      rule: RULE.RISK,
      outcome: 'info',
      detail: `The sign-in comes from ${SIGNAL_NAMES[signal]}; the policy answers "${response}".`,
      source,
    });
    level = Math.max(level, RISK_LEVEL[response]) as RiskLevel;
  }
  return level;
}

interface Proof {
  password: boolean;
  methods: EnrolledMethod[];
  disabled: MethodKind[];
  notEnrolled: MethodKind[];
}

function readFactors(view: AccountView, account: Account, attempt: SignInAttempt): Proof {
  const proof: Proof = { password: false, methods: [], disabled: [], notEnrolled: [] };
  for (const factor of attempt.factors) {
    if (factor.kind === 'password') {
      proof.password = true;
      continue;
    }
    const method =
      factor.methodId === undefined
        ? account.methods.find((m) => m.kind === factor.kind)
        : account.methods.find((m) => m.id === factor.methodId && m.kind === factor.kind);
    if (!method) proof.notEnrolled.push(factor.kind);
    else if (!view.settings.methods[method.kind].enabled) proof.disabled.push(factor.kind);
    else if (!proof.methods.includes(method)) proof.methods.push(method);
  }
  const parts = [proof.password ? 'password' : 'no password', ...proof.methods.map((m) => `${m.kind} ${m.id}`)];
  const ignored = [
    ...proof.notEnrolled.map((k) => `${k} (not enrolled)`),
    ...proof.disabled.map((k) => `${k} (kind disabled)`),
  ];
  view.trace.push({
    rule: RULE.FACTORS,
    outcome: 'info',
    detail: `The attempt proves ${parts.join(', ')}${ignored.length ? `; not counted: ${ignored.join(', ')}` : ''}.`,
  });
  return proof;
}

function enrolStep(view: AccountView): NextStep[] {
  return [{ kind: 'enrol', methodKinds: kindsWithRole(view.settings, 'core') }];
}

function signInWithoutMethods(view: AccountView, proof: Proof, risk: RiskLevel): Decision {
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

function signInLegacy(view: AccountView, account: Account, proof: Proof, risk: RiskLevel): Decision {
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
