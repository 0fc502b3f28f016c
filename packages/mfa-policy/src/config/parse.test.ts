import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy, isPolicyConfigError, PolicyConfigError } from '../index.ts';
import { defaultSettings } from './defaults.ts';
import { parsePolicyConfig } from './parse.ts';
import type {
  AccountSelector,
  AppPasswordConfig,
  EnrolmentConfig,
  MethodConfig,
  MethodsConfig,
  PolicyConfig,
  PolicyOverrides,
  RemovalConfig,
  SignInConfig,
  TargetingRule,
} from './types.ts';

const schema = JSON.parse(readFileSync(new URL('../../schema/policy.schema.json', import.meta.url), 'utf8'));

function configError(config: unknown): PolicyConfigError {
  try {
    createPolicy(config as never);
  } catch (error) {
    if (isPolicyConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a PolicyConfigError');
}

const bad: { config: unknown; path: string; message: RegExp }[] = [
  { config: null, path: '', message: /expected an object but found null/ },
  { config: [], path: '', message: /expected an object but found an array/ },
  { config: { method: {} }, path: 'method', message: /not a known key/ },
  { config: { methods: { email: {} } }, path: 'methods.email', message: /not a known key/ },
  {
    config: { methods: { fido2: { role: 'primary' } } },
    path: 'methods.fido2.role',
    message: /"core", "bypass".*"primary"/,
  },
  { config: { methods: { fido2: { enabled: 'yes' } } }, path: 'methods.fido2.enabled', message: /true or false/ },
  { config: { methods: { fido2: { maxPerAccount: 0 } } }, path: 'methods.fido2.maxPerAccount', message: /at least 1/ },
  {
    config: { methods: { fido2: { maxPerAccount: 101 } } },
    path: 'methods.fido2.maxPerAccount',
    message: /at most 100/,
  },
  { config: { methods: { fido2: { maxPerAccount: 2.5 } } }, path: 'methods.fido2.maxPerAccount', message: /integer/ },
  {
    config: { methods: { appPassword: { role: 'core' } } },
    path: 'methods.appPassword.role',
    message: /not a known key/,
  },
  { config: { signIn: { withoutMethods: 'allow' } }, path: 'signIn.withoutMethods', message: /requireEnrolment/ },
  { config: { signIn: { newDevice: 'block' } }, path: 'signIn.newDevice', message: /requirePhishingResistant/ },
  { config: { enrolment: { allowDuplicates: 1 } }, path: 'enrolment.allowDuplicates', message: /true or false/ },
  { config: { removal: { sessions: 'kill' } }, path: 'removal.sessions', message: /keepUntilNextSignIn/ },
  { config: { administratorRoles: 'localAdmin' }, path: 'administratorRoles', message: /array/ },
  { config: { administratorRoles: ['a', ''] }, path: 'administratorRoles[1]', message: /at least 1 character/ },
  { config: { administratorRoles: ['a', 'a'] }, path: 'administratorRoles[1]', message: /duplicates/ },
  { config: { rules: {} }, path: 'rules', message: /array/ },
  {
    config: { administratorRoles: Array.from({ length: 101 }, (_, i) => `role-${i}`) },
    path: 'administratorRoles',
    message: /at most 100 items/,
  },
  {
    config: { rules: [{ id: 'x', description: 'x'.repeat(501), set: {} }] },
    path: 'rules[0].description',
    message: /at most 500 characters/,
  },
  { config: { rules: [{ id: 'x'.repeat(201), set: {} }] }, path: 'rules[0].id', message: /at most 200 characters/ },
  { config: { rules: [{ set: {} }] }, path: 'rules[0].id', message: /required/ },
  { config: { rules: [{ id: 'x' }] }, path: 'rules[0].set', message: /required/ },
  { config: { rules: [{ id: 'x', set: {}, extra: 1 }] }, path: 'rules[0].extra', message: /not a known key/ },
  {
    config: { rules: [{ id: 'x', when: { groups: [] }, set: {} }] },
    path: 'rules[0].when.groups',
    message: /at least 1 item/,
  },
  {
    config: { rules: [{ id: 'x', when: { group: ['a'] }, set: {} }] },
    path: 'rules[0].when.group',
    message: /not a known key/,
  },
  {
    config: { rules: [{ id: 'x', set: { administratorRoles: [] } }] },
    path: 'rules[0].set.administratorRoles',
    message: /not a known key/,
  },
  {
    config: { rules: [{ id: 'x', set: { methods: { officePhone: { enabled: 'no' } } } }] },
    path: 'rules[0].set.methods.officePhone.enabled',
    message: /true or false/,
  },
  {
    config: {
      rules: [
        { id: 'x', set: {} },
        { id: 'x', set: {} },
      ],
    },
    path: 'rules[1].id',
    message: /already used/,
  },
  {
    config: {
      methods: Object.fromEntries(
        ['authenticatorApp', 'sms', 'voice', 'alternatePhone', 'officePhone'].map((k) => [k, { enabled: false }]),
      ),
    },
    path: 'methods',
    message: /role "core"/,
  },
  {
    config: {
      rules: [
        {
          id: 'all-bypass',
          set: {
            methods: Object.fromEntries(
              ['authenticatorApp', 'sms', 'voice', 'alternatePhone', 'officePhone'].map((k) => [k, { role: 'bypass' }]),
            ),
          },
        },
      ],
    },
    path: 'rules[0].set.methods',
    message: /leaves no method enabled/,
  },
];

describe('policy config validation', () => {
  it.each(bad)('rejects $path', ({ config, path, message }) => {
    const error = configError(config);
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    if (path !== '') expect(error.message).toContain(path);
  });

  it('accepts an empty config, undefined and a $schema pointer', () => {
    expect(() => createPolicy()).not.toThrow();
    expect(() => createPolicy({})).not.toThrow();
    expect(() =>
      createPolicy({ $schema: './node_modules/@keyward/mfa-policy/schema/policy.schema.json' }),
    ).not.toThrow();
  });

  it('copies and freezes the config, so later changes to the caller object change nothing', () => {
    const config = { methods: { fido2: { role: 'bypass' as const } } };
    const policy = createPolicy(config);
    config.methods.fido2.role = 'core' as never;
    expect(policy.methodCatalogue().find((m) => m.kind === 'fido2')?.role).toBe('bypass');
    expect(Object.isFrozen(policy.config)).toBe(true);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('rejects the inherited key %s', (key) => {
    const error = configError(JSON.parse(`{"signIn": {"${key}": {"withoutMethods": "allowPassword"}}}`));
    expect(error.path).toBe(`signIn.${key}`);
  });

  it('rejects a class instance where plain JSON is expected', () => {
    expect(configError({ methods: new Map() }).path).toBe('methods');
  });
});

describe('the shipped JSON Schema', () => {
  // `satisfies Record<keyof T, true>` fails to compile when the TypeScript types gain or lose a key,
  // and the comparison fails when the schema does: the two cannot drift apart.
  const keys = {
    root: {
      $schema: true,
      administratorRoles: true,
      methods: true,
      signIn: true,
      enrolment: true,
      removal: true,
      rules: true,
    } satisfies Record<keyof PolicyConfig, true>,
    method: {
      enabled: true,
      role: true,
      recommended: true,
      selfServiceEnrolment: true,
      maxPerAccount: true,
    } satisfies Record<keyof MethodConfig, true>,
    appPassword: { enabled: true, selfServiceEnrolment: true, maxPerAccount: true } satisfies Record<
      keyof AppPasswordConfig,
      true
    >,
    methods: {
      authenticatorApp: true,
      sms: true,
      voice: true,
      alternatePhone: true,
      officePhone: true,
      fido2: true,
      smartcard: true,
      appPassword: true,
    } satisfies Record<keyof MethodsConfig, true>,
    signIn: { withoutMethods: true, newDevice: true, unusualLocation: true } satisfies Record<keyof SignInConfig, true>,
    enrolment: { selfService: true, adminOnBehalf: true, allowDuplicates: true } satisfies Record<
      keyof EnrolmentConfig,
      true
    >,
    removal: { selfService: true, adminOnBehalf: true, keepOneMethod: true, sessions: true } satisfies Record<
      keyof RemovalConfig,
      true
    >,
    selector: { roles: true, groups: true, accounts: true } satisfies Record<keyof AccountSelector, true>,
    overrides: { methods: true, signIn: true, enrolment: true, removal: true } satisfies Record<
      keyof PolicyOverrides,
      true
    >,
    rule: { id: true, description: true, when: true, unless: true, set: true } satisfies Record<
      keyof TargetingRule,
      true
    >,
  };

  it.each(Object.entries(keys))('schema keys of %s match the TypeScript type', (name, expected) => {
    const node = name === 'root' ? schema : schema.$defs[name];
    expect(Object.keys(node.properties).sort()).toEqual(Object.keys(expected).sort());
  });

  it('states the same defaults as the engine', () => {
    const defaults = defaultSettings();
    for (const section of ['signIn', 'enrolment', 'removal'] as const) {
      for (const [key, property] of Object.entries(
        schema.$defs[section].properties as Record<string, { default?: unknown }>,
      )) {
        expect(property.default, `${section}.${key}`).toEqual((defaults[section] as Record<string, unknown>)[key]);
      }
    }
    expect(schema.$defs.appPassword.properties.enabled.default).toBe(defaults.methods.appPassword.enabled);
  });

  const ajv = new Ajv2020({ allErrors: false, strict: true });
  const validate = ajv.compile(schema);

  it('is a valid draft 2020-12 schema that accepts the shipped example', () => {
    const example = JSON.parse(readFileSync(new URL('../../examples/policy.json', import.meta.url), 'utf8'));
    expect(validate(example)).toBe(true);
    expect(() => createPolicy(example)).not.toThrow();
  });

  it('agrees with the engine on every schema-level rejection in the table', () => {
    for (const { config, message } of bad) {
      if (/already used|role "core"|leaves no method/.test(message.source)) continue;
      expect(validate(config), JSON.stringify(config)).toBe(false);
    }
  });

  // Random configs built from near-valid pieces: the engine's validator (which reads the schema) and ajv agree.
  const value = fc.oneof(
    fc.boolean(),
    fc.integer({ min: -1, max: 102 }),
    fc.constantFrom(
      'core',
      'bypass',
      'ignore',
      'requireMfa',
      'requirePhishingResistant',
      'revoke',
      'allowPassword',
      '',
    ),
    fc.constant(null),
  );
  const methodConfig = fc.dictionary(
    fc.constantFrom('enabled', 'role', 'recommended', 'selfServiceEnrolment', 'maxPerAccount', 'colour'),
    value,
    { maxKeys: 3 },
  );
  const methods = fc.dictionary(
    fc.constantFrom('authenticatorApp', 'sms', 'fido2', 'appPassword', 'email'),
    methodConfig,
    {
      maxKeys: 3,
    },
  );
  const section = fc.dictionary(
    fc.constantFrom('withoutMethods', 'newDevice', 'selfService', 'sessions', 'allowDuplicates', 'keepOneMethod'),
    value,
    { maxKeys: 2 },
  );
  const config = fc.record(
    {
      methods,
      signIn: section,
      removal: section,
      administratorRoles: fc.array(fc.constantFrom('localAdmin', 'helpdesk', ''), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

  it('accepts exactly what ajv accepts (schema-level)', () => {
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(config, (candidate) => {
        let engineAccepts = true;
        try {
          parsePolicyConfig(candidate);
        } catch (error) {
          if (!isPolicyConfigError(error)) throw error;
          // A config with no core method is valid JSON Schema-wise; only the semantic check refuses it.
          engineAccepts = error.path === 'methods';
        }
        expect(engineAccepts).toBe(validate(candidate));
        seen[engineAccepts ? 'accepted' : 'rejected']++;
      }),
      { numRuns: 500 },
    );
    // Both answers must have come up, or the comparison proved nothing.
    expect(seen.accepted).toBeGreaterThan(4);
    expect(seen.rejected).toBeGreaterThan(4);
  });
});
