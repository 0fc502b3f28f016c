import { aKind, KIND_NAMES } from '../config/resolve.ts';
import type { PolicyConfig } from '../config/types.ts';
import { checkAccount, checkActor, checkMethodId } from '../input.ts';
import { classify, decide, kindsWithRole, origin, viewAccount } from '../internal/view.ts';
import { NOTICE, type NoticeCode, REASON, RULE } from '../reasons.ts';
import type { Account, Actor, Decision } from '../types.ts';
import { sessionRules, standing } from './actor.ts';

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
