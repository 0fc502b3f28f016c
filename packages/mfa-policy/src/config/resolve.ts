import { RULE } from '../reasons.ts';
import type { Account, MethodKind, TraceEntry } from '../types.ts';
import { defaultSettings, LOCAL_ADMIN_ROLE, METHOD_KINDS } from './defaults.ts';
import type { AccountSelector, EffectiveSettings, PolicyConfig, PolicyOverrides } from './types.ts';

/** Where each setting came from: `'signIn.newDevice'` → `'rules[2].set.signIn.newDevice'`; missing means the default. */
export type SettingOrigins = Map<string, string>;

function assignSection(
  target: object,
  change: object | undefined,
  key: string,
  prefix: string,
  origins: SettingOrigins,
): void {
  if (!change) return;
  Object.assign(target, change);
  for (const field of Object.keys(change)) {
    origins.set(`${key}.${field}`, prefix === '' ? `${key}.${field}` : `${prefix}.${key}.${field}`);
  }
}

function applyOverrides(
  target: EffectiveSettings,
  overrides: PolicyOverrides,
  prefix: string,
  origins: SettingOrigins,
): void {
  for (const kind of METHOD_KINDS) {
    assignSection(target.methods[kind], overrides.methods?.[kind], `methods.${kind}`, prefix, origins);
  }
  assignSection(target.signIn, overrides.signIn, 'signIn', prefix, origins);
  assignSection(target.enrolment, overrides.enrolment, 'enrolment', prefix, origins);
  assignSection(target.removal, overrides.removal, 'removal', prefix, origins);
}

/** The settings before any targeting rule: defaults, then the config's top-level sections. */
export function baseSettings(config: PolicyConfig, origins: SettingOrigins = new Map()): EffectiveSettings {
  const settings = defaultSettings();
  applyOverrides(settings, config, '', origins);
  return settings;
}

/** The settings with one rule's changes on top of the base, to check each rule on its own. */
export function settingsWithRule(config: PolicyConfig, overrides: PolicyOverrides): EffectiveSettings {
  const origins: SettingOrigins = new Map();
  const settings = baseSettings(config, origins);
  applyOverrides(settings, overrides, 'rule', origins);
  return settings;
}

/** Whether an account matches a selector; returns the fields that did not match. */
function mismatches(selector: AccountSelector, account: Account): string[] {
  const failed: string[] = [];
  if (selector.roles && !selector.roles.some((role) => account.roles.includes(role))) failed.push('roles');
  if (selector.groups && !selector.groups.some((group) => (account.groups ?? []).includes(group)))
    failed.push('groups');
  if (selector.accounts && !selector.accounts.includes(account.id)) failed.push('accounts');
  return failed;
}

/** The settings in force for one account, and a trace entry per targeting rule. */
export function settingsFor(
  config: PolicyConfig,
  account: Account,
): { settings: EffectiveSettings; origins: SettingOrigins; trace: TraceEntry[] } {
  const origins: SettingOrigins = new Map();
  const settings = baseSettings(config, origins);
  const trace: TraceEntry[] = [];
  (config.rules ?? []).forEach((rule, index) => {
    const source = `rules[${index}]`;
    const failed = rule.when ? mismatches(rule.when, account) : [];
    if (failed.length > 0) {
      trace.push({
        rule: RULE.TARGETING,
        outcome: 'skip',
        detail: `Rule "${rule.id}" does not apply: the account does not match its ${failed.join(' and ')}.`,
        source,
      });
      return;
    }
    if (rule.unless && mismatches(rule.unless, account).length === 0) {
      trace.push({
        rule: RULE.TARGETING,
        outcome: 'skip',
        detail: `Rule "${rule.id}" does not apply: the account matches its exclusion.`,
        source,
      });
      return;
    }
    applyOverrides(settings, rule.set, `${source}.set`, origins);
    trace.push({ rule: RULE.TARGETING, outcome: 'info', detail: `Rule "${rule.id}" applies to the account.`, source });
  });
  return { settings, origins, trace };
}

/** Whether any of `roles` makes its bearer an administrator. */
export function isAdministrator(config: PolicyConfig, roles: readonly string[]): boolean {
  return roles.some((role) => role === LOCAL_ADMIN_ROLE || (config.administratorRoles ?? []).includes(role));
}

/** A method kind's name for people, with its article: "an authenticator app". */
export function aKind(kind: MethodKind): string {
  return `${kind === 'authenticatorApp' || kind === 'officePhone' || kind === 'alternatePhone' || kind === 'appPassword' ? 'an' : 'a'} ${KIND_NAMES[kind]}`;
}

/** A method kind's name for people. */
export const KIND_NAMES: Record<MethodKind, string> = {
  authenticatorApp: 'authenticator app',
  sms: 'text message',
  voice: 'voice call',
  alternatePhone: 'alternate phone',
  officePhone: 'office phone',
  fido2: 'FIDO2 security key',
  smartcard: 'smartcard',
  appPassword: 'app password',
};
