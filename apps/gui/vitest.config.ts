import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.mjs';

export default mergeConfig(
  sharedVitestConfig,
  defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['test/screenshots.test.ts'],
      // Each browser test file runs its own server and Chromium: two at a time suit a 2-core machine.
      maxWorkers: 2,
    },
  }),
);
