import type { Options } from 'tsup';

/**
 * The one build configuration every published Keyward package extends: ESM + CJS + `.d.ts`,
 * with the private `@keyward/internal` helpers bundled in (nothing internal ships as a dependency).
 */
export function keywardTsup(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { resolve: [/^@keyward\/internal/] },
    noExternal: [/^@keyward\/internal/],
    esbuildOptions(options) {
      options.conditions = ['@keyward/source', ...(options.conditions ?? [])];
    },
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    target: 'es2022',
    outDir: 'dist',
    ...overrides,
  };
}
