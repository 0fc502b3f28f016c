import { aKind, isAdministrator, KIND_NAMES } from './config/resolve.ts';
import type { PolicyConfig } from './config/types.ts';
import { checkAccount, checkActor, checkMethod, checkMethodId } from './input.ts';
import { type AccountView, classify, decide, kindsWithRole, origin, viewAccount } from './internal/view.ts';
import { NOTICE, type NoticeCode, REASON, RULE } from './reasons.ts';
import type { Account, Actor, Decision, EnrolledMethod } from './types.ts';

type Standing = 'holder' | 'administrator';

/** Who the actor is to the account, or a refusal when neither holder nor administrator. */
function standing(config: PolicyConfig, view: AccountView, account: Account, actor: Actor): Standing | Decision {
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
function sessionRules(
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
export function canEnrol(config: PolicyConfig, account: Account, method: EnrolledMethod, actor: Actor): Decision {
  checkAccount(account);
  checkMethod(method, 'method');
  checkActor(actor);
  const view = viewAccount(config, account);
  const { trace, settings } = view;
  const who = standing(config, view, account, actor);
  if (typeof who !== 'string') return who;
  const kindSettings = settings.methods[method.kind];
  const name = KIND_NAMES[method.kind];

  const enabledSource = origin(view, `methods.${method.kind}.enabled`);
  if (!kindSettings.enabled) {
    trace.push({
      rule: RULE.METHOD_ENABLED,
      outcome: 'fail',
      detail: `The ${name} is disabled.`,
      source: enabledSource,
    });
    return decide(false, REASON.METHOD_DISABLED, `The policy does not allow the ${name} for this account.`, trace);
  }
  trace.push({ rule: RULE.METHOD_ENABLED, outcome: 'pass', detail: `The ${name} is enabled.`, source: enabledSource });

  const sameId = account.methods.some((m) => m.id === method.id);
  const sameDevice =
    !settings.enrolment.allowDuplicates &&
    method.deviceId !== undefined &&
    account.methods.some((m) => m.kind === method.kind && m.deviceId === method.deviceId);
  if (sameId || sameDevice) {
    trace.push({
      rule: RULE.DUPLICATE,
      outcome: 'fail',
      detail: sameId ? `Method id ${method.id} is already registered.` : `This ${name} is already registered.`,
      source: sameId ? 'default' : origin(view, 'enrolment.allowDuplicates'),
    });
    return decide(false, REASON.DUPLICATE_METHOD, `This ${name} is already registered on the account.`, trace);
  }
  trace.push({ rule: RULE.DUPLICATE, outcome: 'pass', detail: 'The method is not registered yet.' });

  const limit = kindSettings.maxPerAccount;
  const count = account.methods.filter((m) => m.kind === method.kind).length;
  const limitSource = origin(view, `methods.${method.kind}.maxPerAccount`);
  if (limit !== undefined && count >= limit) {
    trace.push({
      rule: RULE.LIMIT,
      outcome: 'fail',
      detail: `The account holds ${count} of at most ${limit}.`,
      source: limitSource,
    });
    return decide(
      false,
      REASON.LIMIT_REACHED,
      `The account already has the most of this kind allowed (${limit}), so remove one first.`,
      trace,
    );
  }
  trace.push({
    rule: RULE.LIMIT,
    outcome: limit === undefined ? 'skip' : 'pass',
    detail: limit === undefined ? 'No limit for this kind.' : `The account holds ${count} of at most ${limit}.`,
    source: limitSource,
  });

  if (who === 'holder' && !kindSettings.selfServiceEnrolment) {
    trace.push({
      rule: RULE.SELF_SERVICE,
      outcome: 'fail',
      detail: `Holders may not enrol the ${name} themselves.`,
      source: origin(view, `methods.${method.kind}.selfServiceEnrolment`),
    });
    return decide(
      false,
      REASON.SELF_SERVICE_DISABLED,
      `Ask your Local Administrator to register the ${name} for you.`,
      trace,
      { next: [{ kind: 'contactAdministrator' }] },
    );
  }
  const refusal = sessionRules(view, who, actor, 'enrolment', view.usable.length === 0);
  if (refusal) return refusal;

  const notices: NoticeCode[] = [];
  const needsCore = kindSettings.role === 'bypass' || kindSettings.role === 'legacy';
  if (needsCore && view.core.length === 0) {
    if (who === 'holder') {
      trace.push({ rule: RULE.CORE_BEFORE_BYPASS, outcome: 'fail', detail: 'The account has no core method yet.' });
      return decide(
        false,
        REASON.CORE_METHOD_REQUIRED,
        `Set up a core method such as an authenticator app before adding ${aKind(method.kind)}.`,
        trace,
        { next: [{ kind: 'enrol', methodKinds: kindsWithRole(settings, 'core') }] },
      );
    }
    trace.push({
      rule: RULE.CORE_BEFORE_BYPASS,
      outcome: 'info',
      detail: 'The account has no core method; the new method counts only once one exists.',
    });
    notices.push(NOTICE.BYPASS_WITHOUT_CORE);
  } else if (needsCore) {
    trace.push({ rule: RULE.CORE_BEFORE_BYPASS, outcome: 'pass', detail: 'The account has a core method.' });
  }
  if (!kindSettings.recommended) {
    trace.push({
      rule: RULE.RECOMMENDED,
      outcome: 'info',
      detail: `The ${name} is allowed but not recommended.`,
      source: origin(view, `methods.${method.kind}.recommended`),
    });
    notices.push(NOTICE.METHOD_NOT_RECOMMENDED);
  }
  return decide(
    true,
    REASON.ENROL_ALLOWED,
    who === 'holder' ? `You can add the ${name}.` : `The administrator can add the ${name} for this user.`,
    trace,
    { notices },
  );
}

/** The removal rules; see {@link MfaPolicy.canRemove}. */
export function canRemove(config: PolicyConfig, account: Account, methodId: string, actor: Actor): Decision {
  checkAccount(account);
  checkActor(actor);
  checkMethodId(methodId);
  const view = viewAccount(config, account);
  const { trace, settings } = view;
  const who = standing(config, view, account, actor);
  if (typeof who !== 'string') return who;
  const target = account.methods.find((m) => m.id === methodId);
  if (!target) {
    trace.push({ rule: RULE.METHOD_EXISTS, outcome: 'fail', detail: `No method ${methodId} on the account.` });
    return decide(false, REASON.METHOD_NOT_FOUND, 'That method is not registered on this account.', trace);
  }
  trace.push({ rule: RULE.METHOD_EXISTS, outcome: 'pass', detail: `Method ${methodId} is ${aKind(target.kind)}.` });

  const refusal = sessionRules(view, who, actor, 'removal', false);
  if (refusal) return refusal;

  const after = classify(
    settings,
    account.methods.filter((m) => m !== target),
  );
  const leavesBypassAlone = after.bypass.length > 0 && after.core.length === 0;
  const coreKinds = kindsWithRole(settings, 'core');
  const notices: NoticeCode[] = [];
  if (leavesBypassAlone) {
    if (who === 'holder') {
      trace.push({
        rule: RULE.KEEP_CORE_WITH_BYPASS,
        outcome: 'fail',
        detail: 'Removing it would leave bypass methods without a core method.',
      });
      return decide(
        false,
        REASON.BYPASS_WITHOUT_CORE,
        'Removing this would leave your security keys without a core method, so add another core method first, or contact your Local Administrator if you lost it.',
        trace,
        { next: [{ kind: 'enrol', methodKinds: coreKinds }, { kind: 'contactAdministrator' }] },
      );
    }
    trace.push({
      rule: RULE.KEEP_CORE_WITH_BYPASS,
      outcome: 'info',
      detail: 'Bypass methods are left without a core method; administrators may do that.',
    });
    notices.push(NOTICE.BYPASS_WITHOUT_CORE);
  } else {
    trace.push({
      rule: RULE.KEEP_CORE_WITH_BYPASS,
      outcome: 'pass',
      detail: 'No bypass method is left without a core method.',
    });
  }
  const removesLast = view.usable.includes(target) && after.usable.length === 0;
  const keepSource = origin(view, 'removal.keepOneMethod');
  if (removesLast && who === 'holder' && settings.removal.keepOneMethod) {
    trace.push({
      rule: RULE.KEEP_ONE_METHOD,
      outcome: 'fail',
      detail: 'It is the last usable method.',
      source: keepSource,
    });
    return decide(
      false,
      REASON.LAST_METHOD,
      'This is your only sign-in method, so add another before removing it.',
      trace,
      { next: [{ kind: 'enrol', methodKinds: coreKinds }] },
    );
  }
  trace.push({
    rule: RULE.KEEP_ONE_METHOD,
    outcome: removesLast ? 'info' : 'pass',
    detail: removesLast
      ? 'The last usable method goes; the holder will be sent to enrolment.'
      : 'Other usable methods remain.',
    source: keepSource,
  });
  if (removesLast) notices.push(NOTICE.NO_METHOD_LEFT);
  const sessions = settings.removal.sessions;
  trace.push({
    rule: RULE.SESSIONS,
    outcome: 'info',
    detail: sessions === 'revoke' ? 'Open sessions are revoked.' : 'Open sessions last until their next sign-in.',
    source: origin(view, 'removal.sessions'),
  });
  const name = KIND_NAMES[target.kind];
  return decide(
    true,
    REASON.REMOVE_ALLOWED,
    sessions === 'revoke'
      ? `The ${name} can be removed, and open sessions will be signed out.`
      : `The ${name} can be removed; open sessions last until their next sign-in.`,
    trace,
    { notices, effects: { sessions } },
  );
}
