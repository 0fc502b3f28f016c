import { isAdministrator } from '../config/resolve.ts';
import type { PolicyConfig } from '../config/types.ts';
import { type AccountView, decide, origin } from '../internal/view.ts';
import { REASON, RULE } from '../reasons.ts';
import type { Account, Actor, Decision } from '../types.ts';

/** The actor's standing towards the account. */
export type Standing = 'holder' | 'administrator';

/** Who the actor is to the account, or a refusal when neither holder nor administrator. */
export function standing(config: PolicyConfig, view: AccountView, account: Account, actor: Actor): Standing | Decision {
  if (actor.id === account.id) {
    view.trace.push({ rule: RULE.ACTOR, outcome: 'pass', detail: 'The actor is the account holder.' });
    return 'holder';
  }
  if (isAdministrator(config, actor.roles)) {
    view.trace.push({
      rule: RULE.ACTOR,
      outcome: 'pass',
      detail: 'The actor is an administrator acting on behalf of the holder.',
    });
    return 'administrator';
  }
  view.trace.push({
    rule: RULE.ACTOR,
    outcome: 'fail',
    detail: 'The actor is neither the holder nor an administrator.',
  });
  return decide(
    false,
    REASON.ACTOR_NOT_PERMITTED,
    "Only the account holder or an administrator can change this account's sign-in methods.",
    view.trace,
  );
}

/** The rules every change shares: self-service or on-behalf allowed, and an MFA session. */
export function sessionRules(
  view: AccountView,
  who: Standing,
  actor: Actor,
  area: 'enrolment' | 'removal',
  firstMethod: boolean,
): Decision | undefined {
  const { trace, settings } = view;
  const verb = area === 'enrolment' ? 'add' : 'remove';
  if (who === 'holder') {
    const source = origin(view, `${area}.selfService`);
    if (!settings[area].selfService) {
      trace.push({ rule: RULE.SELF_SERVICE, outcome: 'fail', detail: `Self-service ${area} is disabled.`, source });
      return decide(
        false,
        REASON.SELF_SERVICE_DISABLED,
        `Ask your Local Administrator to ${verb} sign-in methods for you.`,
        trace,
        { next: [{ kind: 'contactAdministrator' }] },
      );
    }
    trace.push({ rule: RULE.SELF_SERVICE, outcome: 'pass', detail: `Self-service ${area} is enabled.`, source });
    if (actor.mfaVerified === true) {
      trace.push({ rule: RULE.MFA_SESSION, outcome: 'pass', detail: "The holder's session passed MFA." });
      return undefined;
    }
    if (firstMethod) {
      trace.push({
        rule: RULE.MFA_SESSION,
        outcome: 'pass',
        detail: 'The account has no usable method yet, so its first method may be set up after a password.',
      });
      return undefined;
    }
    trace.push({ rule: RULE.MFA_SESSION, outcome: 'fail', detail: "The holder's session has not passed MFA." });
    return decide(
      false,
      REASON.MFA_SESSION_REQUIRED,
      area === 'removal'
        ? 'Sign in with MFA before removing a method; if you cannot, for example because you lost your only method, contact your Local Administrator.'
        : 'Sign in with MFA before adding another method.',
      trace,
      { next: [{ kind: 'contactAdministrator' }] },
    );
  }
  const source = origin(view, `${area}.adminOnBehalf`);
  if (!settings[area].adminOnBehalf) {
    trace.push({
      rule: RULE.ADMIN_ON_BEHALF,
      outcome: 'fail',
      detail: `Administrator ${area} on behalf is disabled.`,
      source,
    });
    return decide(
      false,
      REASON.ADMIN_ON_BEHALF_DISABLED,
      `The policy does not let administrators ${verb} methods on behalf of users.`,
      trace,
    );
  }
  trace.push({
    rule: RULE.ADMIN_ON_BEHALF,
    outcome: 'pass',
    detail: `Administrator ${area} on behalf is enabled.`,
    source,
  });
  if (actor.mfaVerified === false) {
    trace.push({ rule: RULE.MFA_SESSION, outcome: 'fail', detail: "The administrator's session has not passed MFA." });
    return decide(false, REASON.MFA_SESSION_REQUIRED, 'Sign in with MFA before changing a user’s methods.', trace);
  }
  trace.push({
    rule: RULE.MFA_SESSION,
    outcome: 'pass',
    detail: "The administrator's session is not marked as lacking MFA.",
  });
  return undefined;
}

/** The enrolment rules; see {@link MfaPolicy.canEnrol}. */
