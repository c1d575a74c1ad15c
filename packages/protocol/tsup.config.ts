import { defineConfig } from 'tsup';

export default defineConfig({
  // `vocabulary` is the zod-free subpath that browsers and the dashboard import; `openapi`
  // makes the API reference, for the server alone.
  entry: ['src/index.ts', 'src/vocabulary.ts', 'src/openapi.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node18',
});
