import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig([
  {
    // The library: `index` for Node.js, `core` for any runtime with fetch (and the browser package).
    entry: ['src/index.ts', 'src/core.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Both builds share dist/: this one cleans it, except what the other one writes.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node18',
  },
  {
    // The `watchtower` command: ESM only; tsup keeps the hashbang and makes the file executable.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    // Written in at build time, so dist/cli.js works wherever it is copied or linked.
    define: { __WATCHTOWER_VERSION__: JSON.stringify(version) },
    // The vocabulary too, so the file needs nothing but Node.js.
    noExternal: [/^@watchtower\/protocol\/vocabulary$/],
    sourcemap: true,
    target: 'node18',
  },
]);
