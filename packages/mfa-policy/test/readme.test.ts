// Runs the README's quick start as written (importing this package's source) and checks that it
// prints what its `// →` comments say.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('the README quick start runs and prints what it says', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const expected = [...(code as string).matchAll(/\/\/ → (.*)$/gm)].map((match) => match[1]);
  expect(expected.length).toBeGreaterThan(4);
  const dir = mkdtempSync(join(tmpdir(), 'mfa-policy-readme-'));
  try {
    const file = join(dir, 'quick-start.ts');
    writeFileSync(file, (code as string).replace("'@keyward/mfa-policy'", JSON.stringify(join(root, 'src/index.ts'))));
    const result = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trimEnd().split('\n')).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('every JSON config in the README is valid, and the one shown as the defaults is the defaults', async () => {
  const { createPolicy } = await import('../src/index.ts');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1] as string));
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  for (const block of blocks) expect(() => createPolicy(block)).not.toThrow();
  const shownAsDefaults = blocks.find((block) => block.$schema !== undefined);
  expect(createPolicy(shownAsDefaults).effectiveSettings()).toEqual(createPolicy().effectiveSettings());
});

it('the survey output shown in the README is what the CLI prints', async () => {
  const { runCli } = await import('../src/cli/run.ts');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```text\n\$ keyward-policy (survey [^\n]*)\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('the README has no survey example');
  const args = (block[1] as string).split(' ').map((arg) => (arg.startsWith('examples/') ? join(root, arg) : arg));
  let stdout = '';
  runCli(args, { stdout: (text) => (stdout += text), stderr: () => {} });
  expect(stdout).toBe(block[2]);
});
