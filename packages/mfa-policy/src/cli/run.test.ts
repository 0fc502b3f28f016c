import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT, runCli } from './run.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const ex = (name: string): string => `${examples}${name}`;

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('keyward-policy (in process)', () => {
  it('explains a refused sign-in with the rules behind it and exits 1', () => {
    const { code, stdout } = run(
      'explain',
      '--config',
      ex('policy.json'),
      '--account',
      ex('account-keyonly.json'),
      '--attempt',
      ex('attempt-key.json'),
    );
    expect(code).toBe(EXIT.REFUSED);
    expect(stdout).toMatch(/^REFUSED {2}BYPASS_NEEDS_CORE\n/);
    expect(stdout).toContain('Rules evaluated:');
    expect(stdout).toContain('fail  signIn.bypassNeedsCore');
    expect(stdout).toContain('Rule "north-mfa-mandatory" applies to the account.  [rules[1]]');
  });

  it('explains an allowed sign-in as JSON and exits 0', () => {
    const { code, stdout } = run(
      'explain',
      '--config',
      ex('policy.json'),
      '--account',
      ex('account-alice.json'),
      '--attempt',
      ex('attempt-alice-key.json'),
      '--json',
    );
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout)).toMatchObject({ allowed: true, reason: 'BYPASS_SATISFIED' });
  });

  it('explains enrolment and removal', () => {
    const enrol = run(
      'explain',
      '--config',
      ex('policy.json'),
      '--account',
      ex('account-alice.json'),
      '--enrol',
      ex('method-new-key.json'),
      '--actor',
      ex('actor-alice.json'),
    );
    expect(enrol.code).toBe(EXIT.OK);
    expect(enrol.stdout).toMatch(/^ALLOWED {2}ENROL_ALLOWED/);
    const removal = run(
      'explain',
      '--account',
      ex('account-alice.json'),
      '--remove',
      'alice-key',
      '--actor',
      ex('actor-alice.json'),
      '--json',
    );
    expect(removal.code).toBe(EXIT.OK);
    expect(JSON.parse(removal.stdout)).toMatchObject({
      reason: 'REMOVE_ALLOWED',
      effects: { sessions: 'keepUntilNextSignIn' },
    });
  });

  it('checks a config', () => {
    expect(run('check-config', ex('policy.json'))).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('valid (3 targeting rules)'),
    });
    const bad = run('check-config', ex('policy-bad.json'), '--json');
    expect(bad.code).toBe(EXIT.ERROR);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      valid: false,
      error: { code: 'ERR_CONFIG', path: 'methods.fido2.role' },
    });
    expect(bad.stderr).toContain('methods.fido2.role');
  });

  it('prints the catalogue for an account', () => {
    const { code, stdout } = run(
      'catalogue',
      '--config',
      ex('policy.json'),
      '--account',
      ex('account-alice.json'),
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toContainEqual(expect.objectContaining({ kind: 'officePhone', recommended: false }));
  });

  it('surveys many accounts and flags the ones only an administrator can help', () => {
    const { code, stdout } = run('survey', '--config', ex('policy.json'), '--accounts', ex('accounts.json'));
    expect(code).toBe(EXIT.REFUSED);
    expect(stdout).toMatch(/^carol +refused BYPASS_NEEDS_CORE \(next: contactAdministrator\) {2}STRANDED$/m);
    expect(stdout).toContain('5 account(s), 1 stranded');
  });

  it('compares two policies over the same accounts ("what if FIDO2 becomes core")', () => {
    const { code, stdout } = run(
      'survey',
      '--config',
      ex('policy.json'),
      '--compare',
      ex('policy-fido2-core.json'),
      '--accounts',
      ex('accounts.json'),
      '--json',
    );
    expect(code).toBe(EXIT.OK);
    const rows = JSON.parse(stdout) as {
      account: string;
      changed: boolean;
      stranded: boolean;
      proposed: { reason: string };
    }[];
    expect(rows.filter((row) => row.changed).map((row) => row.account)).toEqual(['alice', 'carol']);
    expect(rows.find((row) => row.account === 'carol')?.proposed.reason).toBe('SIGN_IN_REQUIRED');
    expect(rows.some((row) => row.stranded)).toBe(false);
  });

  it('surveys a password attempt: a hybrid account whose only method is disabled falls back to password-only', () => {
    const { stdout } = run(
      'survey',
      '--config',
      ex('policy.json'),
      '--accounts',
      ex('accounts.json'),
      '--attempt',
      ex('attempt-password.json'),
    );
    expect(stdout).toMatch(/^dan +allowed PASSWORD_ONLY_ALLOWED$/m);
    expect(stdout).toMatch(/^admin +refused MFA_REQUIRED \(next: authenticatorApp\)$/m);
    expect(stdout).toMatch(/^bob +allowed PASSWORD_ONLY_ALLOWED$/m);
  });

  it('reports malformed input with its path', () => {
    const { code, stderr } = run('explain', '--account', ex('policy.json'), '--attempt', ex('attempt-key.json'));
    expect(code).toBe(EXIT.ERROR);
    expect(stderr).toContain('ERR_MALFORMED');
    expect(stderr).toContain('account.id');
  });

  it.each([
    [[], 'missing command'],
    [['frobnicate'], 'unknown command'],
    [['explain', '--account', ex('account-alice.json')], 'exactly one of'],
    [['explain', '--attempt', ex('attempt-key.json')], 'needs --account'],
    [['explain', '--account', ex('account-alice.json'), '--remove', 'x'], 'needs --actor'],
    [['explain', '--account', ex('missing.json'), '--attempt', ex('attempt-key.json')], 'cannot read account file'],
    [['explain', '--account', ex('../tsup.config.ts'), '--attempt', ex('attempt-key.json')], 'is not JSON'],
    [['check-config'], 'needs one config file'],
    [['survey'], 'survey needs --accounts'],
    [['survey', '--accounts', ex('policy.json')], 'must hold a JSON array'],
    [['explain', '--colour'], 'Unknown option'],
  ])('usage error %j', (args, message) => {
    const { code, stderr } = run(...(args as string[]));
    expect(code).toBe(EXIT.ERROR);
    expect(stderr).toContain(message);
  });

  it('prints help', () => {
    const { code, stdout } = run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('keyward-policy explain');
  });
});
