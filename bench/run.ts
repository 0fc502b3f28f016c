/**
 * `pnpm bench`: runs every `*.bench.ts` in this folder (or those whose name contains an argument),
 * one after another in this process, and writes the figures to `bench/results/latest.json`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allResults } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
console.log(`# Keyward benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const file of files) {
  console.log(`\n# ${file}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: () => Promise<void> };
  if (typeof mod.default === 'function') await mod.default();
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(allResults(), null, 2)}\n`);
