// Runs the real `keyward-policy` command in a child process on the shipped examples: the source
// through tsx, and the built bin as well once `pnpm build` has produced it (as CI does before tests).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/cli/keyward-policy.js`;
const args = [
  'explain',
  '--config',
  'examples/policy.json',
  '--account',
  'examples/account-alice.json',
  '--attempt',
  'examples/attempt-first-prompt.json',
];

function fromSource(extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@keyward/source', 'src/cli/keyward-policy.ts', ...extra],
    { cwd: root, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keyward-policy as a process', () => {
  it('prints the decision, next steps and rules, exiting 1 for a refusal', () => {
    const result = fromSource(args);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('REFUSED  SIGN_IN_REQUIRED');
    expect(result.stdout).toContain('  - fido2: alice-key\n  - otherOptions: alice-app');
    expect(result.stdout).toContain('Rules evaluated:');
  });

  it('exits 2 with the bad field for an invalid config', () => {
    const result = fromSource(['check-config', 'examples/policy-bad.json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('ERR_CONFIG');
    expect(result.stderr).toContain('methods.fido2.role');
  });

  it('gives the same answer from the built bin as from the source, when built', () => {
    const source = fromSource([...args, '--json']).stdout;
    expect(JSON.parse(source)).toMatchObject({ reason: 'SIGN_IN_REQUIRED' });
    if (existsSync(built)) {
      expect(readFileSync(built, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
      let stdout = '';
      try {
        execFileSync(process.execPath, [built, ...args, '--json'], { cwd: root, encoding: 'utf8' });
      } catch (error) {
        stdout = (error as { stdout: string }).stdout;
      }
      expect(stdout).toBe(source);
    }
  });
});
