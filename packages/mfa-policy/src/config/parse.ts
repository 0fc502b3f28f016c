import schemaJson from '../../schema/policy.schema.json' with { type: 'json' };
import { PolicyConfigError } from '../errors.ts';
import { checkSchema, type SchemaNode } from '../internal/json-schema.ts';
import { settingsWithRule } from './resolve.ts';
import type { EffectiveSettings, PolicyConfig } from './types.ts';

function hasCoreMethod(settings: EffectiveSettings): boolean {
  return Object.values(settings.methods).some((method) => method.enabled && method.role === 'core');
}

const schema = schemaJson as SchemaNode;

/**
 * Checks a configuration against the shipped JSON Schema and the rules a schema cannot say
 * (rule ids unique), and returns a deep copy so later changes to the caller's object change nothing.
 */
export function parsePolicyConfig(input: unknown): PolicyConfig {
  const config = input === undefined ? {} : input;
  const problem = checkSchema(schema, schema, config, '');
  if (problem) {
    const where = problem.path === '' ? 'Invalid policy config' : `Invalid policy config at ${problem.path}`;
    throw new PolicyConfigError('ERR_CONFIG', problem.path, `${where}: ${problem.message}.`);
  }
  // The value passed the schema, so it is plain JSON data: a JSON round trip is an exact deep copy.
  const copy = JSON.parse(JSON.stringify(config)) as PolicyConfig;
  const seen = new Set<string>();
  (copy.rules ?? []).forEach((rule, index) => {
    if (seen.has(rule.id)) {
      const path = `rules[${index}].id`;
      throw new PolicyConfigError(
        'ERR_CONFIG',
        path,
        `Invalid policy config at ${path}: rule id ${JSON.stringify(rule.id)} is already used by an earlier rule.`,
      );
    }
    seen.add(rule.id);
  });
  // With no core method enabled nobody could ever satisfy MFA: a configuration mistake, not a policy.
  if (!hasCoreMethod(settingsWithRule(copy, {}))) {
    throw new PolicyConfigError(
      'ERR_CONFIG',
      'methods',
      'Invalid policy config at methods: at least one method must be enabled with the role "core".',
    );
  }
  (copy.rules ?? []).forEach((rule, index) => {
    if (!hasCoreMethod(settingsWithRule(copy, rule.set))) {
      const path = `rules[${index}].set.methods`;
      throw new PolicyConfigError(
        'ERR_CONFIG',
        path,
        `Invalid policy config at ${path}: rule "${rule.id}" leaves no method enabled with the role "core".`,
      );
    }
  });
  return copy;
}
