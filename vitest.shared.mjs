// What every package's vitest config shares; each one adds its own files and aliases with mergeConfig.
// Plain JavaScript without an import of vitest: the root has no vitest to resolve, and each
// package's tsc reads only its types (vitest.shared.d.mts), as the file lies outside its rootDir.
export const sharedVitestConfig = {
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test's name in CI logs; the short summary at a terminal.
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
};
