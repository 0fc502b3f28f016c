import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keyward/source'] },
  ssr: { resolve: { conditions: ['@keyward/source'] } },
  test: { name: 'webauthn-server', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
