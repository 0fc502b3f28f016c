// The library entry stays free of side effects and of Node-only imports; only the CLI may use `node:`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const libraryFiles = (readdirSync(src, { recursive: true }) as string[]).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('cli'),
);

it('library files import nothing from node: and touch no process, clock or randomness', () => {
  expect(libraryFiles.length).toBeGreaterThan(10);
  for (const file of libraryFiles) {
    const text = readFileSync(join(src, file), 'utf8');
    expect(text, file).not.toMatch(/from ['"]node:|require\(|process\.|Date\.now|new Date|Math\.random|globalThis/);
  }
});

it('importing the package does nothing but define its exports', async () => {
  const module = await import('../src/index.ts');
  expect(Object.keys(module).sort()).toEqual(
    ['NOTICE', 'PolicyConfigError', 'REASON', 'RULE', 'createPolicy', 'isPolicyConfigError'].sort(),
  );
});
