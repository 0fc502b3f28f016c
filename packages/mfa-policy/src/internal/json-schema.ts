/**
 * A validator for the small subset of JSON Schema (2020-12) that `schema/policy.schema.json` uses:
 * `type`, `properties`, `additionalProperties: false`, `required`, `enum`, `minimum`, `maximum`,
 * `minLength`, `maxLength`, `items`, `minItems`, `maxItems`, `uniqueItems` and local `$ref`s.
 * The shipped schema is the single source of truth; this reads it instead of restating it.
 */

/** A JSON Schema node, as far as this validator reads it. */
export interface SchemaNode {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'boolean' | 'integer';
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  $defs?: Record<string, SchemaNode>;
}

/** The first problem found: where, and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function typeMatches(type: NonNullable<SchemaNode['type']>, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
  }
}

const TYPE_WORDS: Record<NonNullable<SchemaNode['type']>, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  boolean: 'true or false',
  integer: 'an integer',
};

/** Checks `value` against `node`; returns the first problem in document order, or `undefined`. */
export function checkSchema(
  root: SchemaNode,
  node: SchemaNode,
  value: unknown,
  path: string,
): SchemaProblem | undefined {
  if (node.$ref !== undefined) {
    const name = node.$ref.startsWith('#/$defs/') ? node.$ref.slice('#/$defs/'.length) : undefined;
    const target = name === undefined ? undefined : root.$defs?.[name];
    if (target === undefined) throw new Error(`schema: unresolvable $ref ${node.$ref}`);
    const problem = checkSchema(root, target, value, path);
    if (problem) return problem;
  }
  if (node.type !== undefined && !typeMatches(node.type, value)) {
    return { path, message: `expected ${TYPE_WORDS[node.type]} but found ${describeValue(value)}` };
  }
  if (node.enum !== undefined && !node.enum.includes(value)) {
    const allowed = node.enum.map((v) => JSON.stringify(v)).join(', ');
    return { path, message: `expected one of ${allowed} but found ${describeValue(value)}` };
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) {
      return { path, message: `expected at least ${node.minimum} but found ${value}` };
    }
    if (node.maximum !== undefined && value > node.maximum) {
      return { path, message: `expected at most ${node.maximum} but found ${value}` };
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (node.minLength !== undefined && length < node.minLength) {
      return { path, message: `expected at least ${node.minLength} character(s) but found ${length}` };
    }
    if (node.maxLength !== undefined && length > node.maxLength) {
      return { path, message: `expected at most ${node.maxLength} characters but found ${length}` };
    }
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) {
      return { path, message: `expected at least ${node.minItems} item(s) but found ${value.length}` };
    }
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      return { path, message: `expected at most ${node.maxItems} items but found ${value.length}` };
    }
    for (let i = 0; i < value.length; i++) {
      if (node.items) {
        const problem = checkSchema(root, node.items, value[i], joinPath(path, i));
        if (problem) return problem;
      }
      if (node.uniqueItems && value.indexOf(value[i]) !== i) {
        return { path: joinPath(path, i), message: `duplicates an earlier item: ${describeValue(value[i])}` };
      }
    }
  }
  if (isPlainObject(value)) {
    for (const key of node.required ?? []) {
      if (!Object.hasOwn(value, key)) return { path: joinPath(path, key), message: 'is required but missing' };
    }
    for (const key of Object.keys(value)) {
      // Own properties only: `__proto__` or `constructor` must not find Object.prototype's members.
      const child = node.properties && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
      if (child === undefined) {
        if (node.additionalProperties === false) {
          const known = Object.keys(node.properties ?? {}).join(', ');
          return { path: joinPath(path, key), message: `is not a known key (known keys: ${known})` };
        }
        continue;
      }
      const problem = checkSchema(root, child, value[key], joinPath(path, key));
      if (problem) return problem;
    }
  }
  return undefined;
}
