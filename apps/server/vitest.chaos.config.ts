import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.mjs';

// `npm run test:chaos`: database outages and crashes under load, minutes long, kept out of `npm test`.
export default mergeConfig(
  // mergeConfig would add to the shared reporters; these runs always list every test.
  { test: { ...sharedVitestConfig.test, reporters: ['verbose'] } },
  defineConfig({
    resolve: {
      alias: { '@watchtower/protocol': fileURLToPath(new URL('../../packages/protocol/src/index.ts', import.meta.url)) },
    },
    test: {
      include: ['test/chaos/**/*.test.ts'],
      // One file at a time: each one times a server under load on a shared machine.
      fileParallelism: false,
      testTimeout: 240_000,
    },
  }),
);
