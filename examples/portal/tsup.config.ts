import { defineConfig } from 'tsup';

// Two builds: the server (Node ESM, dependencies stay external) and the small browser bundle
// built from @keyward/webauthn-browser (everything inlined, no inline script needed in pages).
export default defineConfig([
  {
    entry: { server: 'src/server.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist',
    clean: false,
    sourcemap: true,
    splitting: false,
    esbuildOptions(options) {
      options.conditions = ['@keyward/source', ...(options.conditions ?? [])];
    },
    // Workspace packages are bundled from source so the server runs without their dist/.
    noExternal: [/^@keyward\//],
  },
  {
    entry: { webauthn: 'src/client/webauthn.ts', 'push-wait': 'src/client/push-wait.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    outDir: 'dist/public',
    minify: true,
    sourcemap: true,
    splitting: false,
    noExternal: [/.*/],
    esbuildOptions(options) {
      options.conditions = ['@keyward/source', ...(options.conditions ?? [])];
    },
  },
]);
