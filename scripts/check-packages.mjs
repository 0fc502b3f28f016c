// Checks every published package as a consumer gets it: publint and attw on the packed tarball,
// no built .d.ts naming the private @keyward/internal, and a scratch project that installs all
// tarballs from disk and loads each one through both `import` and `require`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');
const published = readdirSync(packagesDir)
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const failures = [];
const scratch = mkdtempSync(join(tmpdir(), 'keyward-pack-'));
const tarballs = [];

for (const { dir, pkg } of published) {
  const cwd = join(packagesDir, dir);
  process.stdout.write(`${pkg.name}: `);
  try {
    const out = run('pnpm', ['pack', '--pack-destination', scratch], cwd).trim().split('\n');
    const tarball = out.filter((line) => line.endsWith('.tgz')).pop();
    tarballs.push(tarball.startsWith('/') ? tarball : join(scratch, tarball.split('/').pop()));
    run(bin('publint'), ['run', '--strict'], cwd);
    process.stdout.write('publint ok, ');
    run(bin('attw'), [tarballs.at(-1), '--format', 'ascii', '--profile', 'node16']);
    process.stdout.write('attw ok, ');
    const dts = readdirSync(join(cwd, 'dist'), { recursive: true }).filter(
      (f) => String(f).endsWith('.d.ts') || String(f).endsWith('.d.cts'),
    );
    for (const file of dts) {
      if (readFileSync(join(cwd, 'dist', String(file)), 'utf8').includes('@keyward/internal'))
        throw new Error(`dist/${file} names @keyward/internal`);
    }
    console.log('types self-contained');
  } catch (error) {
    console.log('FAILED');
    failures.push(`${pkg.name}: ${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`);
  }
}

// A scratch consumer: install every tarball (their dependencies come from the registry).
writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, version: '0.0.0' }));
try {
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=optional', ...tarballs], scratch);
  for (const { pkg } of published) {
    const name = pkg.name;
    const esm = run(
      'node',
      ['--input-type=module', '-e', `const m = await import('${name}'); console.log(Object.keys(m).length)`],
      scratch,
    ).trim();
    const cjs = run('node', ['-e', `const m = require('${name}'); console.log(Object.keys(m).length)`], scratch).trim();
    if (esm === '0' || esm !== cjs) failures.push(`${name}: import gave ${esm} exports, require gave ${cjs}`);
    else console.log(`${name}: import and require give the same ${esm} exports`);
  }
} catch (error) {
  failures.push(`scratch install/import: ${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\n${failures.length} package check(s) failed:\n${failures.join('\n\n')}`);
  process.exit(1);
}
