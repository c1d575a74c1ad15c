import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ at /gui (or under a proxy's prefix): hashed files under /gui/assets/ are cached for good,
// index.html is revalidated. `pnpm dev` proxies the API to a server on :4443.
const api = process.env.WATCHTOWER_URL ?? 'http://127.0.0.1:4443';

export default defineConfig({
  // Relative: the server's `<base href>` leads each page back to /gui/, under any path prefix.
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: Object.fromEntries(
      ['/heartbeats', '/heartbeat', '/events', '/event', '/alerts', '/stream', '/dashboard-settings', '/healthz', '/keys'].map((path) => [
        path,
        { target: api, changeOrigin: true },
      ]),
    ),
  },
});
