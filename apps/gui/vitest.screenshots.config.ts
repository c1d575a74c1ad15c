import { defineConfig } from 'vitest/config';

// `pnpm --filter @watchtower/gui screenshots`: writes docs/dashboard-*.png at the repository root.
export default defineConfig({
  test: {
    include: ['test/screenshots.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
