import { METHOD_KINDS } from '../config/defaults.ts';
import { isAdministrator, type SettingOrigins, settingsFor } from '../config/resolve.ts';
import type { EffectiveSettings, PolicyConfig } from '../config/types.ts';
import type { NoticeCode, ReasonCode } from '../reasons.ts';
import { RULE } from '../reasons.ts';
import type { Account, Decision, EnrolledMethod, MethodKind, NextStep, RemovalEffects, TraceEntry } from '../types.ts';

/** What every decision needs to know about the account under its effective settings. */
export interface AccountView {
  settings: EffectiveSettings;
  origins: SettingOrigins;
  trace: TraceEntry[];
  admin: boolean;
  usable: EnrolledMethod[];
  core: EnrolledMethod[];
  bypass: EnrolledMethod[];
}

/** Splits methods into usable core and bypass methods under `settings`. */
export function classify(
  settings: EffectiveSettings,
  methods: readonly EnrolledMethod[],
): { usable: EnrolledMethod[]; core: EnrolledMethod[]; bypass: EnrolledMethod[] } {
  const usable = methods.filter((m) => m.kind !== 'appPassword' && settings.methods[m.kind].enabled);
  return {
    usable,
    core: usable.filter((m) => settings.methods[m.kind].role === 'core'),
    bypass: usable.filter((m) => settings.methods[m.kind].role === 'bypass'),
  };
}

/** Builds the view and opens the trace with targeting, administrator and usable-method facts. */
export function viewAccount(config: PolicyConfig, account: Account): AccountView {
  const { settings, origins, trace } = settingsFor(config, account);
  const admin = isAdministrator(config, account.roles);
  trace.push({
    rule: RULE.ADMINISTRATOR,
    outcome: 'info',
    detail: admin ? 'The account is an administrator.' : 'The account is not an administrator.',
  });
  const split = classify(settings, account.methods);
  const ignored = account.methods.filter((m) => m.kind !== 'appPassword' && !settings.methods[m.kind].enabled);
  const describe = (list: EnrolledMethod[]): string => (list.length ? list.map((m) => m.id).join(', ') : 'none');
  trace.push({
    rule: RULE.METHODS_USABLE,
    outcome: 'info',
    detail:
      `Core methods: ${describe(split.core)}; bypass methods: ${describe(split.bypass)}` +
      (ignored.length ? `; ignored because their kind is disabled: ${describe(ignored)}.` : '.'),
  });
  return { settings, origins, trace, admin, ...split };
}

/** The config path behind a setting, or `'default'`. */
export function origin(view: AccountView, key: string): string {
  return view.origins.get(key) ?? 'default';
}

/** Groups methods by kind in catalogue order, keeping account order inside a kind. */
export function groupByKind(methods: readonly EnrolledMethod[]): NextStep[] {
  const steps: NextStep[] = [];
  for (const kind of METHOD_KINDS) {
    const ids = methods.filter((m) => m.kind === kind).map((m) => m.id);
    if (ids.length) steps.push({ kind, methodIds: ids });
  }
  return steps;
}

/** The enabled kinds of a role, in catalogue order. */
export function kindsWithRole(settings: EffectiveSettings, role: 'core' | 'bypass' | 'legacy'): MethodKind[] {
  return METHOD_KINDS.filter((kind) => settings.methods[kind].enabled && settings.methods[kind].role === role);
}

/** Optional parts of a decision. */
export interface DecisionExtras {
  next?: NextStep[];
  notices?: NoticeCode[];
  effects?: RemovalEffects;
}

/** Assembles a decision, leaving out empty optional parts. */
export function decide(
  allowed: boolean,
  reason: ReasonCode,
  explain: string,
  trace: TraceEntry[],
  extras: DecisionExtras = {},
): Decision {
  const decision: Omit<Decision, 'trace'> & { trace?: TraceEntry[] } = { allowed, reason, explain };
  if (extras.next?.length) decision.next = extras.next;
  if (extras.notices?.length) decision.notices = [...new Set(extras.notices)];
  if (extras.effects) decision.effects = extras.effects;
  return { ...decision, trace };
}
