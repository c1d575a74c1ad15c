import { defineConfig } from 'tsup';

// The shared client comes from @watchtower/client-node/core and is bundled in, with the
// protocol's zod-free vocabulary it uses, so this package needs nothing at run time; the
// rest of the protocol is only ever imported as types.
const bundled = [/^@watchtower\/client-node/, /^@watchtower\/protocol\/vocabulary$/];
// The client's types are bundled in too, found through this path (a package subpath is beyond tsup's resolver).
const dts = {
  resolve: [/^@watchtower\/client-node/],
  compilerOptions: { paths: { '@watchtower/client-node/core': ['./node_modules/@watchtower/client-node/dist/core.d.ts'] } },
};

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    noExternal: bundled,
    dts,
    sourcemap: true,
    clean: ['!watchtower.min.*'],
  },
  {
    // One <script> that defines window.Watchtower.
    entry: { 'watchtower.min': 'src/index.ts' },
    format: ['iife'],
    globalName: 'Watchtower',
    platform: 'browser',
    target: 'es2022',
    noExternal: bundled,
    minify: true,
    sourcemap: true,
    outExtension: () => ({ js: '.js' }),
  },
]);
