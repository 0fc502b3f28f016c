import { defineConfig } from 'tsup';
import { keywardTsup } from '../../tsup.base.ts';

export default defineConfig([
  keywardTsup({ platform: 'node' }),
  // The CLIs are their own entries so the library entry stays free of side effects.
  keywardTsup({
    entry: { 'keyward-authenticator': 'src/cli/keyward-authenticator.ts', 'keyward-token': 'src/cli/keyward-token.ts' },
    outDir: 'dist/cli',
    format: ['esm'],
    dts: false,
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  }),
]);
