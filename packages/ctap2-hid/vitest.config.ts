import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keyward/source'] },
  ssr: { resolve: { conditions: ['@keyward/source'] } },
  test: {
    name: 'ctap2-hid',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // CI runs every project at once on 2 cores: generous limits, never timing assertions.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
