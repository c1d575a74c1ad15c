import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.mjs';

export default mergeConfig(
  sharedVitestConfig,
  defineConfig({
    resolve: {
      // Tests run against the protocol's source, so a change there needs no rebuild first.
      alias: {
        '@watchtower/protocol/openapi': fileURLToPath(new URL('../../packages/protocol/src/openapi.ts', import.meta.url)),
        '@watchtower/protocol': fileURLToPath(new URL('../../packages/protocol/src/index.ts', import.meta.url)),
      },
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Run by `npm run test:chaos` (vitest.chaos.config.ts).
      exclude: [...configDefaults.exclude, 'test/chaos/**'],
    },
  }),
);
