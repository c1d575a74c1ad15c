import { mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.mjs';

export default mergeConfig(sharedVitestConfig, { test: { include: ['src/**/*.test.ts'] } });
