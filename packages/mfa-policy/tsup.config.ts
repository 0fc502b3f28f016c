import { defineConfig } from 'tsup';
import { keywardTsup } from '../../tsup.base.ts';

export default defineConfig([
  keywardTsup(),
  // The CLI is its own entry so the library entry stays free of side effects and of `node:` imports.
  keywardTsup({
    entry: { 'keyward-policy': 'src/cli/keyward-policy.ts' },
    outDir: 'dist/cli',
    format: ['esm'],
    dts: false,
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  }),
]);
