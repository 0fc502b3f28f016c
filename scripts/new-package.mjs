// Writes the standard files of a published package (used once per package; kept for new ones).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const [dir, description, kind = 'node'] = process.argv.slice(2);
if (!dir || !description)
  throw new Error('usage: node scripts/new-package.mjs <dir> <description> [node|browser|portable]');
const root = `packages/${dir}`;
mkdirSync(`${root}/src`, { recursive: true });
const pkg = {
  name: `@keyward/${dir}`,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  exports: {
    '.': {
      '@keyward/source': './src/index.ts',
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  files: ['dist', 'src', '!src/**/*.test.ts'],
  engines: { node: '>=20.19.0' },
  repository: { type: 'git', url: 'git+https://github.com/keyward/keyward.git', directory: root },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json',
  },
  dependencies: {},
  devDependencies: { '@keyward/internal': 'workspace:*' },
};
const write = (file, text) => {
  if (!existsSync(file)) writeFileSync(file, text);
};
write(`${root}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
const lib = kind === 'browser' ? '["ES2023", "DOM", "DOM.Iterable"]' : '["ES2023"]';
const types = kind === 'node' ? '["node"]' : '[]';
write(
  `${root}/tsconfig.json`,
  `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "lib": ${lib}, "types": ${types} },
  "include": ["src", "test"]
}
`,
);
write(
  `${root}/tsup.config.ts`,
  `import { defineConfig } from 'tsup';
import { keywardTsup } from '../../tsup.base.ts';

export default defineConfig(keywardTsup());
`,
);
write(
  `${root}/vitest.config.ts`,
  `import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keyward/source'] },
  ssr: { resolve: { conditions: ['@keyward/source'] } },
  test: { name: '${dir}', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
`,
);
write(`${root}/CHANGELOG.md`, `# @keyward/${dir}\n`);
