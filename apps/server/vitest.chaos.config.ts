import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:chaos`: database outages and crashes under load, minutes long, kept out of `npm test`.
export default defineConfig({
  resolve: {
    alias: { '@watchtower/protocol': fileURLToPath(new URL('../../packages/protocol/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    // One file at a time: each one times a server under load on a shared machine.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    reporters: ['verbose'],
  },
});
