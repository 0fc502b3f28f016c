import { aKind, KIND_NAMES } from '../config/resolve.ts';
import type { PolicyConfig } from '../config/types.ts';
import { checkAccount, checkActor, checkMethod } from '../input.ts';
import { decide, kindsWithRole, origin, viewAccount } from '../internal/view.ts';
import { NOTICE, type NoticeCode, REASON, RULE } from '../reasons.ts';
import type { Account, Actor, Decision, EnrolledMethod } from '../types.ts';
import { sessionRules, standing } from './actor.ts';

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
