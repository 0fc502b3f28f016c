import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isPolicyConfigError } from '../errors.ts';
import { createPolicy, type MfaPolicy } from '../policy.ts';
import type { Account, Actor, Decision, EnrolledMethod, SignInAttempt } from '../types.ts';
import { formatDecision } from './format.ts';
import { formatSurvey, survey } from './survey.ts';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes: 0 allowed or valid, 1 refused, 2 usage error, unreadable file, invalid config or input. */
export const EXIT = { OK: 0, REFUSED: 1, ERROR: 2 } as const;

export const USAGE = `Usage:
  keyward-policy explain [--config policy.json] --account account.json --attempt attempt.json [--json]
  keyward-policy explain [--config policy.json] --account account.json --enrol method.json --actor actor.json [--json]
  keyward-policy explain [--config policy.json] --account account.json --remove METHOD_ID --actor actor.json [--json]
  keyward-policy check-config policy.json [--json]
  keyward-policy catalogue [--config policy.json] [--account account.json] [--json]
  keyward-policy survey [--config policy.json] --accounts accounts.json [--attempt attempt.json] [--compare new-policy.json] [--json]

Prints the decision the policy makes and every rule it evaluated. Without --config the defaults apply.
survey evaluates one attempt (default: the first prompt, no factors) for every account in a JSON array,
flags accounts only a Local Administrator can help ("stranded"), and with --compare shows what changes
when the policy is replaced by another.
Exit status: 0 allowed (or config valid, or nobody stranded), 1 refused (or someone stranded),
2 usage error, unreadable file, invalid config or input.
`;

class UsageError extends Error {}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} file ${file} is not JSON: ${(error as Error).message}`);
  }
}

function loadPolicy(file: string | undefined): MfaPolicy {
  return createPolicy(file === undefined ? undefined : (readJson(file, 'config') as never));
}

function explain(values: Record<string, string | boolean | undefined>): Decision {
  const policy = loadPolicy(values.config as string | undefined);
  if (typeof values.account !== 'string') throw new UsageError('explain needs --account');
  const account = readJson(values.account, 'account') as Account;
  const modes = ['attempt', 'enrol', 'remove'].filter((mode) => typeof values[mode] === 'string');
  if (modes.length !== 1) throw new UsageError('explain needs exactly one of --attempt, --enrol or --remove');
  if (typeof values.attempt === 'string') {
    return policy.evaluateSignIn(account, readJson(values.attempt, 'attempt') as SignInAttempt);
  }
  if (typeof values.actor !== 'string') throw new UsageError(`--${modes[0]} needs --actor`);
  const actor = readJson(values.actor, 'actor') as Actor;
  if (typeof values.enrol === 'string') {
    return policy.canEnrol(account, readJson(values.enrol, 'method') as EnrolledMethod, actor);
  }
  return policy.canRemove(account, values.remove as string, actor);
}

/**
 * Runs the CLI on `args` (without `node` and the script) and returns the exit code.
 * Never throws; never calls `process.exit`.
 */
export function runCli(args: readonly string[], io: CliIo): number {
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        account: { type: 'string' },
        attempt: { type: 'string' },
        enrol: { type: 'string' },
        remove: { type: 'string' },
        actor: { type: 'string' },
        accounts: { type: 'string' },
        compare: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    json = values.json === true;
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.stdout(USAGE);
      return EXIT.OK;
    }
    if (command === 'explain' && rest.length === 0) {
      const decision = explain(values);
      io.stdout(json ? `${JSON.stringify(decision, null, 2)}\n` : formatDecision(decision));
      return decision.allowed ? EXIT.OK : EXIT.REFUSED;
    }
    if (command === 'check-config') {
      const file = rest[0] ?? values.config;
      if (file === undefined || rest.length > 1) throw new UsageError('check-config needs one config file');
      const policy = loadPolicy(file);
      const ruleCount = policy.config.rules?.length ?? 0;
      io.stdout(
        json
          ? `${JSON.stringify({ valid: true, rules: ruleCount, settings: policy.effectiveSettings() }, null, 2)}\n`
          : `${file}: valid (${ruleCount} targeting rule${ruleCount === 1 ? '' : 's'})\n`,
      );
      return EXIT.OK;
    }
    if (command === 'catalogue' && rest.length === 0) {
      const policy = loadPolicy(values.config);
      const account = typeof values.account === 'string' ? (readJson(values.account, 'account') as Account) : undefined;
      const catalogue = policy.methodCatalogue(account);
      io.stdout(
        json
          ? `${JSON.stringify(catalogue, null, 2)}\n`
          : `${catalogue
              .map(
                (m) =>
                  `${m.kind.padEnd(17)} ${m.enabled ? m.role : 'disabled'}${m.recommended ? '' : ', not recommended'}${m.phishingResistant ? ', phishing-resistant' : ''}`,
              )
              .join('\n')}\n`,
      );
      return EXIT.OK;
    }
    if (command === 'survey' && rest.length === 0) {
      if (typeof values.accounts !== 'string') throw new UsageError('survey needs --accounts');
      const current = loadPolicy(values.config);
      const proposed = values.compare === undefined ? undefined : loadPolicy(values.compare);
      const accounts = readJson(values.accounts, 'accounts');
      if (!Array.isArray(accounts)) throw new UsageError(`accounts file ${values.accounts} must hold a JSON array`);
      const attempt = (
        typeof values.attempt === 'string' ? readJson(values.attempt, 'attempt') : { factors: [] }
      ) as SignInAttempt;
      const rows = survey(accounts as Account[], attempt, current, proposed);
      io.stdout(json ? `${JSON.stringify(rows, null, 2)}\n` : formatSurvey(rows, proposed !== undefined));
      return rows.some((row) => row.stranded) ? EXIT.REFUSED : EXIT.OK;
    }
    throw new UsageError(
      command === undefined ? 'missing command' : `unknown command or extra arguments: ${positionals.join(' ')}`,
    );
  } catch (error) {
    if (isPolicyConfigError(error)) {
      if (json)
        io.stdout(
          `${JSON.stringify({ valid: false, error: { code: error.code, path: error.path, message: error.message } }, null, 2)}\n`,
        );
      io.stderr(`keyward-policy: ${error.code}: ${error.message}\n`);
      return EXIT.ERROR;
    }
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr(`keyward-policy: ${(error as Error).message}\n${usage ? `\n${USAGE}` : ''}`);
    return EXIT.ERROR;
  }
}
