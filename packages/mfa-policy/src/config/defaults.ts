import type { MethodKind } from '../types.ts';
import type { EffectiveSettings, ResolvedMethodConfig } from './types.ts';

/** The role every Local Administrator carries; always an administrator role, whatever the config says. */
export const LOCAL_ADMIN_ROLE = 'localAdmin';

/** Every method kind, in catalogue order (the order `next` and traces list them in). */
export const METHOD_KINDS: readonly MethodKind[] = [
  'authenticatorApp',
  'sms',
  'voice',
  'alternatePhone',
  'officePhone',
  'fido2',
  'smartcard',
  'appPassword',
];

/** Kinds that resist phishing: the signature is bound to the origin or the channel to the card. */
export const PHISHING_RESISTANT_KINDS: readonly MethodKind[] = ['fido2', 'smartcard'];

function method(role: ResolvedMethodConfig['role'], extra: Partial<ResolvedMethodConfig> = {}): ResolvedMethodConfig {
  return { enabled: true, role, recommended: true, selfServiceEnrolment: true, ...extra };
}

/** The defaults of the contract, as a fresh object each call (callers may change their copy). */
export function defaultSettings(): EffectiveSettings {
  return {
    methods: {
      authenticatorApp: method('core'),
      sms: method('core'),
      voice: method('core'),
      alternatePhone: method('core'),
      officePhone: method('core', { recommended: false }),
      fido2: method('bypass', { maxPerAccount: 10 }),
      smartcard: method('bypass'),
      appPassword: method('legacy', { enabled: false }),
    },
    signIn: { withoutMethods: 'requireEnrolment', newDevice: 'ignore', unusualLocation: 'ignore' },
    enrolment: { selfService: true, adminOnBehalf: true, allowDuplicates: false },
    removal: { selfService: true, adminOnBehalf: true, keepOneMethod: true, sessions: 'keepUntilNextSignIn' },
  };
}
