import { PHISHING_RESISTANT_KINDS } from '../config/defaults.ts';
import type { RiskResponse } from '../config/types.ts';
import { type AccountView, kindsWithRole, origin } from '../internal/view.ts';
import { RULE } from '../reasons.ts';
import type { Account, EnrolledMethod, MethodKind, NextStep, SignInAttempt, SignInContext } from '../types.ts';

/** 0: no risk response; 1: MFA required; 2: a phishing-resistant factor required. */
export type RiskLevel = 0 | 1 | 2;

const RISK_LEVEL: Record<RiskResponse, RiskLevel> = { ignore: 0, requireMfa: 1, requirePhishingResistant: 2 };
const SIGNALS = ['newDevice', 'unusualLocation'] as const;
const SIGNAL_NAMES: Record<(typeof SIGNALS)[number], string> = {
  newDevice: 'a new device',
  unusualLocation: 'an unusual location',
};

export function isPhishingResistant(method: EnrolledMethod): boolean {
  return PHISHING_RESISTANT_KINDS.includes(method.kind);
}

export function riskLevel(view: AccountView, context: SignInContext | undefined): RiskLevel {
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

export interface Proof {
  password: boolean;
  methods: EnrolledMethod[];
  disabled: MethodKind[];
  notEnrolled: MethodKind[];
}

export function readFactors(view: AccountView, account: Account, attempt: SignInAttempt): Proof {
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

/** The next step that sends the holder to register a core method. */
export function enrolStep(view: AccountView): NextStep[] {
  return [{ kind: 'enrol', methodKinds: kindsWithRole(view.settings, 'core') }];
}
