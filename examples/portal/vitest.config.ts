import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keyward/source'] },
  ssr: { resolve: { conditions: ['@keyward/source'] } },
  test: {
    name: 'portal',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
